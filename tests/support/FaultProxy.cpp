#include "FaultProxy.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace thingdeck::test {

FaultProxy::FaultProxy(quint16 targetPort, QObject *parent)
    : QObject(parent)
    , m_targetPort(targetPort)
    , m_listener(new QTcpServer(this))
{
    connect(m_listener, &QTcpServer::newConnection, this, &FaultProxy::accept);
}

FaultProxy::~FaultProxy()
{
    for (auto &[id, link] : m_links) {
        link.client->disconnect(this);
        link.server->disconnect(this);
    }
}

bool FaultProxy::listen()
{
    return m_listener->listen(QHostAddress::LocalHost, 0);
}

quint16 FaultProxy::port() const
{
    return m_listener->serverPort();
}

void FaultProxy::cutNextAnswer()
{
    m_cutLink = m_lastActive;
}

void FaultProxy::accept()
{
    while (QTcpSocket *client = m_listener->nextPendingConnection()) {
        const quint64 id = m_nextId++;
        auto *server = new QTcpSocket(this);
        client->setParent(this);
        m_links.emplace(id, Link{client, server, {}});
        connect(client, &QTcpSocket::readyRead, this, [this, id] { fromClient(id); });
        connect(server, &QTcpSocket::readyRead, this, [this, id] { fromServer(id); });
        connect(server, &QTcpSocket::connected, this, [this, id] {
            if (auto it = m_links.find(id); it != m_links.end())
                it->second.server->write(std::exchange(it->second.waiting, {}));
        });
        connect(client, &QTcpSocket::disconnected, this, [this, id] { close(id); });
        connect(server, &QTcpSocket::disconnected, this, [this, id] { close(id); });
        server->connectToHost(QHostAddress::LocalHost, m_targetPort);
    }
}

void FaultProxy::fromClient(quint64 id)
{
    const auto it = m_links.find(id);
    if (it == m_links.end())
        return;
    m_lastActive = id;
    Link &link = it->second;
    const QByteArray bytes = link.client->readAll();
    if (link.server->state() == QAbstractSocket::ConnectedState)
        link.server->write(bytes);
    else
        link.waiting += bytes;
}

void FaultProxy::fromServer(quint64 id)
{
    const auto it = m_links.find(id);
    if (it == m_links.end())
        return;
    Link &link = it->second;
    const QByteArray bytes = link.server->readAll();
    if (id != m_cutLink) {
        link.client->write(bytes);
        return;
    }
    m_cutLink = 0;
    ++m_cuts;
    link.client->write(bytes.left(std::max<qsizetype>(1, bytes.size() / 2)));
    close(id);
}

void FaultProxy::close(quint64 id)
{
    const auto it = m_links.find(id);
    if (it == m_links.end())
        return;
    const Link link = it->second;
    m_links.erase(it);
    closeSocket(link.client);
    closeSocket(link.server);
}

// What was written is still sent: disconnectFromHost() flushes first, and the socket goes
// only once it is closed.
void FaultProxy::closeSocket(QTcpSocket *socket)
{
    socket->disconnect(this);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    socket->disconnectFromHost();
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
}

} // namespace thingdeck::test
