#include "protocol/recordschema.h"

#include <cmath>
#include <QDate>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QUuid>

static void initSchemaResource()
{
    Q_INIT_RESOURCE(schema);
}

namespace crm {

namespace {

const QList<QPair<QString, FieldSpec::Type>>& typeNames()
{
    static const QList<QPair<QString, FieldSpec::Type>> names{
        {QStringLiteral("text"), FieldSpec::Type::Text},
        {QStringLiteral("email"), FieldSpec::Type::Email},
        {QStringLiteral("phone"), FieldSpec::Type::Phone},
        {QStringLiteral("integer"), FieldSpec::Type::Integer},
        {QStringLiteral("number"), FieldSpec::Type::Number},
        {QStringLiteral("money"), FieldSpec::Type::Money},
        {QStringLiteral("date"), FieldSpec::Type::Date},
        {QStringLiteral("datetime"), FieldSpec::Type::DateTime},
        {QStringLiteral("enum"), FieldSpec::Type::Enum},
        {QStringLiteral("ref"), FieldSpec::Type::Ref},
        {QStringLiteral("user"), FieldSpec::Type::User},
        {QStringLiteral("bool"), FieldSpec::Type::Bool},
    };
    return names;
}

FieldSpec parseField(const QJsonObject& json)
{
    FieldSpec field;
    field.name = json.value(QStringLiteral("name")).toString();
    const QString type = json.value(QStringLiteral("type")).toString();
    bool known = false;
    for (const auto& [name, value] : typeNames()) {
        if (name == type) {
            field.type = value;
            known = true;
        }
    }
    if (!known)
        qFatal("records.json: field %s has unknown type %s", qPrintable(field.name),
               qPrintable(type));
    field.label = json.value(QStringLiteral("label")).toString(field.name);
    for (const auto& value : json.value(QStringLiteral("values")).toArray())
        field.values.append(value.toString());
    field.ref = json.value(QStringLiteral("ref")).toString();
    field.sensitive = json.value(QStringLiteral("sensitive")).toBool();
    field.required = json.value(QStringLiteral("required")).toBool();
    field.derived = json.value(QStringLiteral("derived")).toBool();
    field.maxLength = json.value(QStringLiteral("maxLength")).toInt(field.maxLength);
    if (json.contains(QStringLiteral("min")))
        field.min = json.value(QStringLiteral("min")).toDouble();
    if (json.contains(QStringLiteral("max")))
        field.max = json.value(QStringLiteral("max")).toDouble();
    return field;
}

ValidationError error(ErrorCode code, const FieldSpec& field, const QString& message)
{
    return {code, field.name, message};
}

bool isString(const QJsonValue& value)
{
    return value.isString();
}

std::optional<ValidationError> checkString(const FieldSpec& field, const QJsonValue& value)
{
    if (!isString(value))
        return error(ErrorCode::WrongType, field,
                     QStringLiteral("%1 must be text").arg(field.label));
    if (value.toString().size() > field.maxLength)
        return error(ErrorCode::TooLong, field,
                     QStringLiteral("%1 is longer than %2 characters")
                         .arg(field.label)
                         .arg(field.maxLength));
    return std::nullopt;
}

std::optional<ValidationError> checkNumber(const FieldSpec& field, const QJsonValue& value)
{
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return error(ErrorCode::WrongType, field,
                     QStringLiteral("%1 must be a number").arg(field.label));
    const double number = value.toDouble();
    if (field.type == FieldSpec::Type::Integer && number != std::floor(number))
        return error(ErrorCode::WrongType, field,
                     QStringLiteral("%1 must be a whole number").arg(field.label));
    if (field.type == FieldSpec::Type::Money && !RecordSchema::isWholeCents(number))
        return error(ErrorCode::WrongType, field,
                     QStringLiteral("%1 has more than two decimals").arg(field.label));
    if ((field.min && number < *field.min) || (field.max && number > *field.max))
        return error(ErrorCode::OutOfRange, field,
                     QStringLiteral("%1 must be between %2 and %3")
                         .arg(field.label)
                         .arg(field.min.value_or(-INFINITY))
                         .arg(field.max.value_or(INFINITY)));
    return std::nullopt;
}

std::optional<ValidationError> checkValue(const FieldSpec& field, const QJsonValue& value)
{
    using Type = FieldSpec::Type;
    static const QRegularExpression emailPattern(QStringLiteral(R"(^[^\s@]+@[^\s@]+\.[^\s@]+$)"));
    static const QRegularExpression phonePattern(QStringLiteral(R"(^\+?[0-9 ()\-.]{3,}$)"));
    switch (field.type) {
    case Type::Text:
    case Type::User:
        return checkString(field, value);
    case Type::Email:
    case Type::Phone: {
        if (auto problem = checkString(field, value))
            return problem;
        const auto& pattern = field.type == Type::Email ? emailPattern : phonePattern;
        if (!value.toString().isEmpty() && !pattern.match(value.toString()).hasMatch())
            return error(ErrorCode::BadFormat, field,
                         QStringLiteral("%1 is not a valid %2")
                             .arg(field.label, RecordSchema::typeName(field.type)));
        return std::nullopt;
    }
    case Type::Integer:
    case Type::Number:
    case Type::Money:
        return checkNumber(field, value);
    case Type::Date:
        if (!isString(value) || !QDate::fromString(value.toString(), Qt::ISODate).isValid())
            return error(ErrorCode::BadFormat, field,
                         QStringLiteral("%1 must be a date like 2026-11-22").arg(field.label));
        return std::nullopt;
    case Type::DateTime:
        if (!isString(value) ||
            !QDateTime::fromString(value.toString(), Qt::ISODateWithMs).isValid())
            return error(ErrorCode::BadFormat, field,
                         QStringLiteral("%1 must be an ISO 8601 date and time").arg(field.label));
        return std::nullopt;
    case Type::Enum:
        if (!isString(value) || !field.values.contains(value.toString()))
            return error(ErrorCode::NotInEnum, field,
                         QStringLiteral("%1 must be one of: %2")
                             .arg(field.label, field.values.join(QStringLiteral(", "))));
        return std::nullopt;
    case Type::Ref:
        if (!isString(value) || QUuid::fromString(value.toString()).isNull())
            return error(ErrorCode::BadFormat, field,
                         QStringLiteral("%1 must be a record id").arg(field.label));
        return std::nullopt;
    case Type::Bool:
        if (!value.isBool())
            return error(ErrorCode::WrongType, field,
                         QStringLiteral("%1 must be true or false").arg(field.label));
        return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

bool RecordSchema::isWholeCents(double amount)
{
    // A double holds cents only approximately; the error grows with the amount (134226416.48
    // is 13422641648.000002 cents), so the tolerance does too, far below half a cent.
    const double cents = amount * 100;
    return std::fabs(cents - std::round(cents)) <= std::max(1e-6, std::fabs(cents) * 1e-12);
}

std::optional<ValidationError> RecordSchema::checkField(const FieldSpec& field,
                                                        const QJsonValue& value)
{
    return checkValue(field, value);
}

const FieldSpec* ModuleSpec::field(QStringView fieldName) const
{
    for (const auto& spec : fields) {
        if (spec.name == fieldName)
            return &spec;
    }
    return nullptr;
}

QStringList ModuleSpec::sensitiveFields() const
{
    QStringList names;
    for (const auto& spec : fields) {
        if (spec.sensitive)
            names.append(spec.name);
    }
    return names;
}

const RecordSchema& RecordSchema::instance()
{
    static const RecordSchema schema;
    return schema;
}

RecordSchema::RecordSchema()
{
    initSchemaResource();
    QFile file(QStringLiteral(":/crm/schema/records.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("records.json is not embedded in this binary");
    const auto root = QJsonDocument::fromJson(file.readAll()).object();
    m_version = root.value(QStringLiteral("version")).toInt();
    for (const auto& moduleValue : root.value(QStringLiteral("modules")).toArray()) {
        const auto json = moduleValue.toObject();
        ModuleSpec module;
        module.name = json.value(QStringLiteral("name")).toString();
        module.singular = json.value(QStringLiteral("singular")).toString();
        module.label = json.value(QStringLiteral("label")).toString();
        module.titleField = json.value(QStringLiteral("title")).toString();
        module.hasNotesDocument = json.value(QStringLiteral("notesDocument")).toBool();
        for (const auto& field : json.value(QStringLiteral("fields")).toArray())
            module.fields.append(parseField(field.toObject()));
        if (module.hasNotesDocument) {
            const FieldSpec* text = module.field(kNotesTextField);
            if (!text || !text->derived || text->type != FieldSpec::Type::Text)
                qFatal("records.json: %s has notes but no derived text field notesText",
                       qPrintable(module.name));
        }
        for (const auto& column : json.value(QStringLiteral("columns")).toArray()) {
            if (!module.field(column.toString()))
                qFatal("records.json: %s lists unknown column %s", qPrintable(module.name),
                       qPrintable(column.toString()));
            module.columns.append(column.toString());
        }
        m_modules.append(module);
    }
}

const ModuleSpec* RecordSchema::moduleBySingular(QStringView singular) const
{
    for (const auto& spec : m_modules) {
        if (spec.singular == singular)
            return &spec;
    }
    return nullptr;
}

const ModuleSpec* RecordSchema::module(QStringView name) const
{
    for (const auto& module : m_modules) {
        if (module.name == name)
            return &module;
    }
    return nullptr;
}

QString RecordSchema::typeName(FieldSpec::Type type)
{
    for (const auto& [name, value] : typeNames()) {
        if (value == type)
            return name;
    }
    return {};
}

std::optional<ValidationError>
RecordSchema::validate(const ModuleSpec& module, const QJsonObject& fields, bool creating) const
{
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const FieldSpec* spec = module.field(it.key());
        if (!spec)
            return ValidationError{
                ErrorCode::UnknownField, it.key(),
                QStringLiteral("%1 has no field '%2'").arg(module.name, it.key())};
        if (it.value().isNull()) {
            if (spec->required)
                return error(ErrorCode::Required, *spec,
                             QStringLiteral("%1 cannot be empty").arg(spec->label));
            continue;
        }
        if (auto problem = checkValue(*spec, it.value()))
            return problem;
    }
    if (creating) {
        for (const auto& spec : module.fields) {
            if (spec.required && (!fields.contains(spec.name) || fields.value(spec.name).isNull()))
                return error(ErrorCode::Required, spec,
                             QStringLiteral("%1 is required").arg(spec.label));
        }
    }
    return std::nullopt;
}

} // namespace crm
