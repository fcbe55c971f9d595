#pragma once

#include <QObject>

#include <map>

class QTcpServer;
class QTcpSocket;

namespace thingdeck::test {

/// A TCP proxy on loopback in front of a server, for fault tests: it forwards bytes both ways
/// without looking at them (so TLS stays end to end) and, when told, cuts an answer in the
/// middle: part of the server's next bytes reach the client, then the connection is closed.
class FaultProxy : public QObject
{
    Q_OBJECT
public:
    explicit FaultProxy(quint16 targetPort, QObject *parent = nullptr);
    ~FaultProxy() override;

    bool listen();
    quint16 port() const;

    /// Cuts the next bytes the server sends on the connection that last carried bytes from
    /// the client (with one request at a time: the answer to the request in the server's
    /// hands now): half of them are forwarded, then the client's connection is closed.
    void cutNextAnswer();
    /// Answers cut so far.
    int cuts() const { return m_cuts; }
    /// Connections accepted so far.
    int connections() const { return int(m_nextId - 1); }

private:
    struct Link
    {
        QTcpSocket *client = nullptr;
        QTcpSocket *server = nullptr;
        QByteArray waiting; ///< from the client, before the server connection is up
    };

    void accept();
    void fromClient(quint64 id);
    void fromServer(quint64 id);
    void close(quint64 id);
    void closeSocket(QTcpSocket *socket);

    quint16 m_targetPort;
    QTcpServer *m_listener;
    std::map<quint64, Link> m_links;
    quint64 m_nextId = 1;
    quint64 m_lastActive = 0;
    quint64 m_cutLink = 0; ///< the link whose next answer is cut; 0: none
    int m_cuts = 0;
};

} // namespace thingdeck::test
