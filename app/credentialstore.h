#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <QHash>
#include <QObject>
#include <QString>

namespace crm {

// Where a signed-in account's secrets live: the OS keychain through QtKeychain (Secret Service,
// macOS Keychain, Windows Credential Manager), or, when the user asks for it, a file readable
// only by them. Never QSettings.
//
// Keychain jobs run one after another: Secret Service answers overlapping jobs of one service
// out of order. Values longer than the Windows Credential Manager's blob limit are split into
// numbered parts on every OS, so the format is the same everywhere.
class CredentialStore : public QObject
{
    Q_OBJECT
public:
    enum class Backend
    {
        Keychain,
        File,
        Memory, // "this session only": gone when the process ends
    };
    // Windows refuses credential blobs over 2,560 bytes; the text is UTF-16 there.
    static constexpr int kChunkChars = 1200;

    // fileDir: where the File backend keeps "credentials.json" (mode 0600).
    CredentialStore(Backend backend, QString service, QString fileDir, QObject* parent = nullptr);

    Backend backend() const { return m_backend; }
    QString filePath() const;

    // error empty: success. value nullopt with no error: nothing stored under that key.
    using ReadDone = std::function<void(const std::optional<QString>& value, const QString& error)>;
    using Done = std::function<void(const QString& error)>;
    void read(const QString& key, ReadDone done);
    void write(const QString& key, const QString& value, Done done);
    void remove(const QString& key, Done done);

    // The same, waiting in a local event loop (crm-cli).
    std::optional<QString> readNow(const QString& key, QString* error);
    bool writeNow(const QString& key, const QString& value, QString* error);
    bool removeNow(const QString& key, QString* error);

private:
    using Step = std::function<void(std::function<void()> next)>;
    void enqueue(Step step);
    void runNext();
    // One keychain entry, no chunking.
    void readEntry(const QString& key, ReadDone done);
    void writeEntry(const QString& key, const QString& value, Done done);
    void removeEntry(const QString& key, Done done);
    void readParts(const QString& key, int count, int index, QString text, ReadDone done);
    void removeParts(const QString& key, int index, Done done);

    Backend m_backend;
    QString m_service;
    QString m_fileDir;
    std::deque<Step> m_queue;
    bool m_busy = false;
};

} // namespace crm
