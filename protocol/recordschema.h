#pragma once

#include "protocol/errorcode.h"

#include <optional>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

// One field of a record module, as resources/schema/records.json describes it.
struct FieldSpec
{
    enum class Type
    {
        Text,
        Email,
        Phone,
        Integer,
        Number,
        Money,
        Date,
        DateTime,
        Enum,
        Ref,
        User,
        Bool
    };

    QString name;
    Type type = Type::Text;
    QString label;
    QStringList values; // enum values
    QString ref;        // module a Ref points to
    bool sensitive = false;
    bool required = false;
    // Kept by the server, never written by a client (the plain text of the record's notes):
    // shown and searched like any field, absent from editors, refused in a mutation.
    bool derived = false;
    int maxLength = 1000;
    std::optional<double> min;
    std::optional<double> max;
};

struct ModuleSpec
{
    QString name;     // "escrows"
    QString singular; // "escrow": event names are "<singular>:created|updated|deleted"
    QString label;
    QString titleField;
    QList<FieldSpec> fields;
    // The fields an agent scans first, in that order: a list shows these by default and the
    // others on request. Part of the shared schema so every client lists a module the same way.
    QStringList columns;
    // Whether the module's records have collaborative notes (docs/protocol.md 5.9).
    bool hasNotesDocument = false;

    const FieldSpec* field(QStringView fieldName) const;
    QStringList sensitiveFields() const;
};

// The derived field that holds the plain text of a record's collaborative notes (modules with
// `notesDocument`), cut at its maxLength: what the table searches and the activity feed shows.
inline constexpr QStringView kNotesTextField = u"notesText";

// Why a set of field values was refused.
struct ValidationError
{
    // UnknownField, WrongType, OutOfRange, NotInEnum, TooLong, Required, BadFormat
    ErrorCode code = ErrorCode::BadRequest;
    QString field;
    QString message;
};

// The one schema both sides read: crm-server validates mutations with it, the client builds
// columns and editors from it. Loaded once from the embedded resources/schema/records.json.
class RecordSchema
{
public:
    static const RecordSchema& instance();

    const QList<ModuleSpec>& modules() const { return m_modules; }
    const ModuleSpec* module(QStringView name) const;
    // The module whose change events are named "<singular>:<kind>" ("escrow" -> escrows).
    const ModuleSpec* moduleBySingular(QStringView singular) const;
    int version() const { return m_version; }

    // Checks field values for a create (required fields must be there) or an update.
    // Null clears a field, except a required one.
    std::optional<ValidationError> validate(const ModuleSpec& module, const QJsonObject& fields,
                                            bool creating) const;

    // One non-null value of one field (type, range, length, format), as validate() checks it.
    static std::optional<ValidationError> checkField(const FieldSpec& field,
                                                     const QJsonValue& value);
    // Whether a money amount is a whole number of cents.
    static bool isWholeCents(double amount);
    static QString typeName(FieldSpec::Type type);

private:
    RecordSchema();

    int m_version = 0;
    QList<ModuleSpec> m_modules;
};

} // namespace crm
