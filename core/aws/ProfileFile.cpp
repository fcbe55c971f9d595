#include "aws/ProfileFile.h"

#include <utility>

namespace thingdeck {
namespace {

// configparser's default section: its options are inherited by every other section.
constexpr QLatin1String kDefaultSection("DEFAULT");

struct ValueLine
{
    QString text;
    int line = 0;
};
using RawValue = QList<ValueLine>;

/// One `[header]` section as configparser keeps it, before botocore interprets the header.
struct RawSection
{
    QString header;
    QMap<QString, RawValue> options;
};

ConfigError malformed(const QString &fileName, int line, const QString &problem)
{
    return {ConfigError::Kind::MalformedFile,
            QStringLiteral("%1, line %2: %3.").arg(fileName, QString::number(line), problem),
            fileName, line};
}

QStringList splitLines(const QString &text)
{
    // Python reads text files with universal newlines: \r\n, \r and \n all end a line.
    QString normalized = text;
    normalized.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    normalized.replace(u'\r', u'\n');
    return normalized.split(u'\n');
}

qsizetype indentation(const QString &line)
{
    qsizetype i = 0;
    while (i < line.size() && line.at(i).isSpace())
        ++i;
    return i;
}

// configparser's option regex is non-greedy: the first '=' or ':' separates name and value.
qsizetype firstDelimiter(const QString &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == u'=' || text.at(i) == u':')
            return i;
    }
    return -1;
}

// configparser matches `\[(.+)\]` at the start of the line, greedy up to the last ']', and
// ignores whatever follows it (so `[profile foo] # note` is a header).
bool isSectionHeader(const QString &text)
{
    return text.startsWith(u'[') && text.lastIndexOf(u']') >= 2;
}

/// Reads INI text with the rules of Python's configparser.RawConfigParser as botocore uses it:
/// `=` or `:` separate a name from its value, `#` and `;` start a comment only at the start of
/// a line, a line indented deeper than its property continues the value, and a section or
/// property that appears twice is an error.
class IniReader
{
public:
    explicit IniReader(QString fileName)
        : m_fileName(std::move(fileName))
    {}

    std::optional<ConfigError> read(const QString &text);
    const QList<RawSection> &sections() const { return m_sections; }

private:
    std::optional<ConfigError> readLine(const QString &line, int number);
    std::optional<ConfigError> startSection(const QString &header, int number);
    std::optional<ConfigError> addOption(const QString &text, int number, bool indented);
    QString problemWithLine(const QString &text, bool indented) const;
    void appendBlankLine();
    ConfigError error(int number, const QString &problem) const;

    QString m_fileName;
    QList<RawSection> m_sections;
    qsizetype m_current = -1; // index into m_sections; -1 before the first header
    QString m_option;         // the property that indented lines continue; empty after a header
    qsizetype m_indent = 0;   // indentation of the last header or property line
};

std::optional<ConfigError> IniReader::read(const QString &text)
{
    const QStringList lines = splitLines(text);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (auto failure = readLine(lines.at(i), static_cast<int>(i + 1)))
            return failure;
    }
    return std::nullopt;
}

std::optional<ConfigError> IniReader::readLine(const QString &line, int number)
{
    const QString text = line.trimmed();
    if (text.startsWith(u'#') || text.startsWith(u';'))
        return std::nullopt; // a comment line neither ends nor extends a value
    if (text.isEmpty()) {
        appendBlankLine();
        return std::nullopt;
    }
    const qsizetype indent = indentation(line);
    const bool indented = indent > m_indent;
    if (indented && m_current >= 0 && !m_option.isEmpty()) {
        m_sections[m_current].options[m_option].append({text, number});
        return std::nullopt;
    }
    m_indent = indent;
    if (isSectionHeader(text))
        return startSection(text.mid(1, text.lastIndexOf(u']') - 1), number);
    return addOption(text, number, indented);
}

std::optional<ConfigError> IniReader::startSection(const QString &header, int number)
{
    m_option.clear();
    for (qsizetype i = 0; i < m_sections.size(); ++i) {
        if (m_sections.at(i).header != header)
            continue;
        if (header != kDefaultSection) {
            return error(number, QStringLiteral("Section [%1] appears twice in this file, which "
                                                "the AWS CLI rejects; merge the two sections")
                                     .arg(header));
        }
        m_current = i;
        return std::nullopt;
    }
    m_sections.append({header, {}});
    m_current = m_sections.size() - 1;
    return std::nullopt;
}

std::optional<ConfigError> IniReader::addOption(const QString &text, int number, bool indented)
{
    const qsizetype delimiter = firstDelimiter(text);
    if (m_current < 0 || delimiter < 0)
        return error(number, problemWithLine(text, indented));
    const QString name = text.left(delimiter).trimmed().toLower();
    if (name.isEmpty())
        return error(number, QStringLiteral("Property did not have a name (name = value)"));
    RawSection &section = m_sections[m_current];
    if (section.options.contains(name)) {
        return error(number, QStringLiteral("Property '%1' appears twice in section [%2], which "
                                            "the AWS CLI rejects; keep only one")
                                 .arg(name, section.header));
    }
    section.options.insert(name, {{text.mid(delimiter + 1).trimmed(), number}});
    m_option = name;
    return std::nullopt;
}

// Why a line that is neither a header nor a property cannot be read, in the words the
// cross-SDK test cases use.
QString IniReader::problemWithLine(const QString &text, bool indented) const
{
    if (text.startsWith(u'['))
        return QStringLiteral("Profile definition must end with ']'");
    if (m_current < 0)
        return QStringLiteral("Expected a profile definition such as [profile name] before "
                              "this line");
    if (indented)
        return QStringLiteral("Expected a property definition, found continuation (an "
                              "indented line with no property above it)");
    return QStringLiteral("Expected an '=' sign defining a property (name = value)");
}

// Blank lines inside a value are kept (configparser only trims them from the end).
void IniReader::appendBlankLine()
{
    if (m_current >= 0 && !m_option.isEmpty())
        m_sections[m_current].options[m_option].append({QString(), 0});
}

ConfigError IniReader::error(int number, const QString &problem) const
{
    return malformed(m_fileName, number, problem);
}

// botocore parses a value that starts with a newline as `name = value` lines; every non-blank
// line needs an '=' (an empty name is accepted). It is kept as "\n" + the stripped lines.
Result<QString, ConfigError> subPropertyBlock(const RawValue &lines, const QString &fileName)
{
    QStringList block;
    for (const ValueLine &line : lines) {
        if (line.text.isEmpty())
            continue;
        if (!line.text.contains(u'=')) {
            return fail(malformed(fileName, line.line,
                                  QStringLiteral("Expected an '=' sign defining a sub-property "
                                                 "(an indented name = value line)")));
        }
        block.append(line.text);
    }
    return QString(u'\n' + block.join(u'\n'));
}

Result<QString, ConfigError> joinValue(const RawValue &lines, const QString &fileName)
{
    QStringList texts;
    for (const ValueLine &line : lines)
        texts.append(line.text);
    while (!texts.isEmpty() && texts.last().isEmpty())
        texts.removeLast(); // configparser strips trailing blank lines from a value
    const QString joined = texts.join(u'\n');
    if (!joined.startsWith(u'\n'))
        return joined;
    return subPropertyBlock(lines, fileName);
}

Result<ProfileFile::Properties, ConfigError>
finalProperties(const RawSection &section, const RawSection *defaults, const QString &fileName)
{
    QMap<QString, RawValue> options = defaults ? defaults->options : QMap<QString, RawValue>();
    options.insert(section.options);
    ProfileFile::Properties properties;
    for (auto it = options.cbegin(); it != options.cend(); ++it) {
        auto value = joinValue(it.value(), fileName);
        if (!value)
            return fail(value.error());
        properties.insert(it.key(), value.value());
    }
    return properties;
}

const RawSection *findDefaults(const QList<RawSection> &sections)
{
    for (const RawSection &section : sections) {
        if (section.header == kDefaultSection)
            return &section;
    }
    return nullptr;
}

/// Python's shlex.split in POSIX mode, one character at a time.
class ShellSplitter
{
public:
    void feed(QChar c);
    std::optional<QStringList> finish();

private:
    void takeEscaped(QChar c);
    void feedUnquoted(QChar c);
    void feedQuoted(QChar c);
    void endWord();

    QStringList m_words;
    QString m_word;
    QChar m_quote; // null outside quotes
    bool m_inWord = false;
    bool m_escape = false;
};

void ShellSplitter::feed(QChar c)
{
    if (m_escape)
        takeEscaped(c);
    else if (m_quote.isNull())
        feedUnquoted(c);
    else
        feedQuoted(c);
}

void ShellSplitter::takeEscaped(QChar c)
{
    // Inside double quotes a backslash only escapes `"` and itself; before anything else it
    // stays part of the word.
    if (m_quote == u'"' && c != u'"' && c != u'\\')
        m_word.append(u'\\');
    m_word.append(c);
    m_escape = false;
}

void ShellSplitter::feedUnquoted(QChar c)
{
    if (c == u' ' || c == u'\t' || c == u'\r' || c == u'\n') {
        endWord();
        return;
    }
    m_inWord = true; // also for quotes, so '' is an empty word
    if (c == u'\\')
        m_escape = true;
    else if (c == u'\'' || c == u'"')
        m_quote = c;
    else
        m_word.append(c);
}

void ShellSplitter::feedQuoted(QChar c)
{
    if (c == m_quote)
        m_quote = QChar();
    else if (c == u'\\' && m_quote == u'"')
        m_escape = true;
    else
        m_word.append(c);
}

void ShellSplitter::endWord()
{
    if (m_inWord)
        m_words.append(std::exchange(m_word, QString()));
    m_inWord = false;
}

std::optional<QStringList> ShellSplitter::finish()
{
    if (m_escape || !m_quote.isNull())
        return std::nullopt;
    endWord();
    return m_words;
}

} // namespace

Result<ProfileFile, ConfigError> ProfileFile::parse(const QString &text, Kind kind,
                                                    const QString &fileName)
{
    IniReader reader(fileName);
    if (auto failure = reader.read(text))
        return fail(*failure);
    const RawSection *defaults = findDefaults(reader.sections());
    ProfileFile file;
    for (const RawSection &section : reader.sections()) {
        if (section.header == kDefaultSection)
            continue;
        auto properties = finalProperties(section, defaults, fileName);
        if (!properties)
            return fail(properties.error());
        file.addSection(section.header, properties.value(), kind);
    }
    return file;
}

// botocore's build_profile_map: a header that starts with a known prefix and splits into
// exactly two shell words names a section; the later of two sections with one name replaces
// the earlier one (so `[default]` and `[profile default]` do not merge).
void ProfileFile::addSection(const QString &header, const Properties &properties, Kind kind)
{
    if (kind == Kind::Credentials || header == QLatin1String("default")) {
        m_profiles.insert(header, properties);
        return;
    }
    const std::optional<QStringList> words = splitShellWords(header);
    if (!words || words->size() != 2)
        return;
    if (header.startsWith(QLatin1String("profile")))
        m_profiles.insert(words->at(1), properties);
    else if (header.startsWith(QLatin1String("sso-session")))
        m_ssoSessions.insert(words->at(1), properties);
    else if (header.startsWith(QLatin1String("services")))
        m_services.insert(words->at(1), properties);
}

ProfileFile ProfileFile::merge(const ProfileFile &config, const ProfileFile &credentials)
{
    ProfileFile merged = config;
    for (auto it = credentials.m_profiles.cbegin(); it != credentials.m_profiles.cend(); ++it)
        merged.m_profiles[it.key()].insert(it.value());
    return merged;
}

bool ProfileFile::isSubPropertyBlock(const QString &value)
{
    return value.startsWith(u'\n');
}

ProfileFile::Properties ProfileFile::subProperties(const QString &value)
{
    Properties properties;
    if (!isSubPropertyBlock(value))
        return properties;
    const QStringList lines = value.split(u'\n', Qt::SkipEmptyParts);
    for (const QString &line : lines) {
        const qsizetype equals = line.indexOf(u'=');
        if (equals >= 0)
            properties.insert(line.left(equals).trimmed(), line.mid(equals + 1).trimmed());
    }
    return properties;
}

std::optional<QStringList> ProfileFile::splitShellWords(const QString &text)
{
    ShellSplitter splitter;
    for (const QChar c : text)
        splitter.feed(c);
    return splitter.finish();
}

} // namespace thingdeck
