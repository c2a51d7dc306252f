#include "crdt/textitem.h"

namespace crm::crdt {

QString TextItem::shown() const
{
    if (kind == ContentKind::String)
        return text;
    if (kind == ContentKind::Embed)
        return QString(QChar::ObjectReplacementCharacter);
    return {};
}

TextItem TextItem::splitOff(quint64 offset, bool* replacedPair)
{
    TextItem rest;
    rest.id = {id.client, id.clock + offset};
    rest.length = length - offset;
    rest.origin = {id.client, id.clock + offset - 1};
    rest.hasOrigin = true;
    rest.rightOrigin = rightOrigin;
    rest.hasRightOrigin = hasRightOrigin;
    rest.kind = kind;
    rest.deleted = deleted;
    rest.marks = marks;
    if (kind == ContentKind::String) {
        const auto at = qsizetype(offset);
        rest.text = text.mid(at);
        text.truncate(at);
        // Half a surrogate pair on each side would make an invalid string: Yjs writes U+FFFD
        // for both halves, and so must every peer to stay equal.
        if (text.back().isHighSurrogate() && rest.text.front().isLowSurrogate()) {
            text.back() = QChar::ReplacementCharacter;
            rest.text.front() = QChar::ReplacementCharacter;
            if (replacedPair)
                *replacedPair = true;
        }
    }
    length = offset;
    return rest;
}

void TextItem::dropFront(quint64 offset)
{
    if (offset == 0)
        return;
    if (kind == ContentKind::String) {
        const auto at = qsizetype(offset);
        const bool cutPair = text[at - 1].isHighSurrogate() && text[at].isLowSurrogate();
        text.remove(0, at);
        if (cutPair)
            text.front() = QChar::ReplacementCharacter;
    }
    if (kind != ContentKind::Gc) {
        origin = {id.client, id.clock + offset - 1};
        hasOrigin = true;
    }
    id.clock += offset;
    length -= offset;
}

void TextItem::forgetContent()
{
    if (kind == ContentKind::Gc)
        return;
    kind = ContentKind::Deleted;
    text.clear();
    value.clear();
}

bool TextItem::canAbsorb(const TextItem& next) const
{
    if (next.id.client != id.client || next.id.clock != end() || next.deleted != deleted ||
        next.kind != kind)
        return false;
    if (kind == ContentKind::Gc)
        return true;
    return (kind == ContentKind::String || kind == ContentKind::Deleted) && right == &next &&
           next.hasOrigin && next.origin == lastId() && hasRightOrigin == next.hasRightOrigin &&
           (!hasRightOrigin || rightOrigin == next.rightOrigin);
}

void TextItem::absorb(const TextItem& next)
{
    if (kind == ContentKind::String)
        text += next.text;
    length += next.length;
    if (kind != ContentKind::Gc) {
        right = next.right;
        if (right)
            right->left = this;
    }
}

} // namespace crm::crdt
