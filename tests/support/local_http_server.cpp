// SPDX-License-Identifier: GPL-3.0-or-later
#include "support/local_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kanalab::test {
namespace {

constexpr int kPollMilliseconds = 20;
constexpr std::size_t kMaxRequestBytes = 16 * 1024;

int listenOnLoopback(int& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // the kernel picks a free port: tests may run side by side
    socklen_t length = sizeof address;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int error = errno;
        ::close(fd);
        throw std::runtime_error(std::string("cannot listen on 127.0.0.1: ") + std::strerror(error));
    }
    port = ntohs(address.sin_port);
    return fd;
}

bool readFile(const std::string& path, std::string& bytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return !in.bad();
}

std::string headerValue(const std::string& request, const std::string& name) {
    std::string lower = request;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string key = "\r\n" + name + ":";
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto at = lower.find(key);
    if (at == std::string::npos)
        return "";
    auto start = at + key.size();
    while (start < request.size() && request[start] == ' ')
        ++start;
    return request.substr(start, request.find("\r\n", start) - start);
}

}  // namespace

LocalHttpServer::LocalHttpServer(std::string rootFolder) : m_root(std::move(rootFolder)) {
    m_listenFd = listenOnLoopback(m_port);
    m_acceptThread = std::thread([this] { acceptLoop(); });
}

LocalHttpServer::~LocalHttpServer() {
    m_stopping = true;
    if (m_acceptThread.joinable())
        m_acceptThread.join();
    ::close(m_listenFd);
    std::vector<std::thread> connections;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        connections.swap(m_connections);
    }
    for (auto& thread : connections)
        thread.join();
}

std::string LocalHttpServer::baseUrl() const {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/";
}

void LocalHttpServer::setBehaviour(const std::string& path, Behaviour behaviour) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_behaviours[path] = behaviour;
}

void LocalHttpServer::redirect(const std::string& path, const std::string& location) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_behaviours[path] = Behaviour::Redirect;
    m_redirects[path] = location;
}

void LocalHttpServer::setSlowRate(int bytesPerSecond) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_slowRate = std::max(1, bytesPerSecond);
}

std::vector<std::string> LocalHttpServer::requests() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_requests;
}

std::string LocalHttpServer::lastUserAgent() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_lastUserAgent;
}

void LocalHttpServer::acceptLoop() {
    // poll with a timeout rather than a blocking accept, so the destructor can stop the loop
    // without closing a descriptor another thread is blocked on.
    while (!m_stopping) {
        pollfd waiting{m_listenFd, POLLIN, 0};
        if (::poll(&waiting, 1, kPollMilliseconds) <= 0)
            continue;
        const int fd = ::accept4(m_listenFd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0)
            continue;
        // A client that stops reading must not pin a sending thread (and the destructor) forever.
        timeval limit{2, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
        std::lock_guard<std::mutex> lock(m_mutex);
        m_connections.emplace_back([this, fd] {
            serve(fd);
            ::close(fd);
        });
    }
}

bool LocalHttpServer::sendAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        if (m_stopping)
            return false;
        const ssize_t sent = ::send(fd, data, size, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += sent;
        size -= static_cast<std::size_t>(sent);
    }
    return true;
}

bool LocalHttpServer::pause(int fd, int milliseconds) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(milliseconds);
    while (!m_stopping) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return true;
        // A readable socket during a response means the client hung up (it sends nothing else).
        pollfd peer{fd, POLLIN, 0};
        if (::poll(&peer, 1, static_cast<int>(std::min<long long>(left.count(), kPollMilliseconds))) > 0) {
            char probe;
            if (::recv(fd, &probe, 1, MSG_PEEK | MSG_DONTWAIT) <= 0)
                return false;
        }
    }
    return false;
}

void LocalHttpServer::serve(int fd) {
    std::string request;
    char chunk[2048];
    while (request.find("\r\n\r\n") == std::string::npos) {
        if (m_stopping || request.size() > kMaxRequestBytes)
            return;
        pollfd peer{fd, POLLIN, 0};
        if (::poll(&peer, 1, kPollMilliseconds) <= 0)
            continue;
        const ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
        if (got <= 0)
            return;
        request.append(chunk, static_cast<std::size_t>(got));
    }

    // "GET /kmnist/file.gz HTTP/1.1"
    const auto firstSpace = request.find(' ');
    const auto secondSpace = request.find(' ', firstSpace + 1);
    const std::string method = request.substr(0, firstSpace);
    const std::string path = request.substr(firstSpace + 1, secondSpace - firstSpace - 1);

    Behaviour behaviour = Behaviour::Normal;
    std::string location;
    int slowRate = 0;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_requests.push_back(path);
        m_lastUserAgent = headerValue(request, "User-Agent");
        if (const auto it = m_behaviours.find(path); it != m_behaviours.end())
            behaviour = it->second;
        if (const auto it = m_redirects.find(path); it != m_redirects.end())
            location = it->second;
        slowRate = m_slowRate;
    }

    std::string body;
    const bool safePath = !path.empty() && path[0] == '/' && path.find("..") == std::string::npos;
    const std::string filePath = path.substr(0, path.find('?'));  // "?moved" tells redirect targets apart
    const bool found = method == "GET" && safePath && behaviour != Behaviour::NotFound &&
                       behaviour != Behaviour::Redirect && readFile(m_root + filePath, body);
    if (behaviour == Behaviour::Redirect) {
        const std::string response =
            "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        sendAll(fd, response.data(), response.size());
        return;
    }
    if (!found) {
        const std::string page = "<html><body><h1>404 Not Found</h1></body></html>\n";
        const std::string response =
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(page.size()) +
            "\r\nConnection: close\r\n\r\n" + page;
        sendAll(fd, response.data(), response.size());
        return;
    }

    if (behaviour == Behaviour::WrongBytes)
        for (std::size_t i = body.size() / 3; i < body.size(); i += 997)
            body[i] = static_cast<char>(body[i] ^ 0x5a);
    const std::string head =
        "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n";
    if (!sendAll(fd, head.data(), head.size()))
        return;

    switch (behaviour) {
        case Behaviour::Slow: {
            constexpr int kStepMilliseconds = 20;
            const std::size_t step =
                std::max<std::size_t>(1, static_cast<std::size_t>(slowRate) * kStepMilliseconds / 1000);
            for (std::size_t at = 0; at < body.size(); at += step) {
                if (!sendAll(fd, body.data() + at, std::min(step, body.size() - at)) || !pause(fd, kStepMilliseconds))
                    return;
            }
            break;
        }
        case Behaviour::Stall:
            if (sendAll(fd, body.data(), std::min<std::size_t>(body.size() / 4, 64 * 1024)))
                while (pause(fd, 1000)) {
                }
            break;
        case Behaviour::Drop:
            sendAll(fd, body.data(), body.size() / 2);
            break;  // closing now leaves the announced length unmet
        default:
            sendAll(fd, body.data(), body.size());
            break;
    }
}

int closedLoopbackPort() {
    int port = 0;
    const int fd = listenOnLoopback(port);
    ::close(fd);
    return port;
}

}  // namespace kanalab::test
