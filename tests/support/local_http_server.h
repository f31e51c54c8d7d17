// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kanalab::test {

// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for download tests: it serves the
// files of a folder (GET /kmnist/t10k-labels-idx1-ubyte.gz -> <root>/kmnist/...), one
// connection per request ("Connection: close"), each on its own thread, and can be told per
// path to misbehave. Nothing here ever reaches beyond the loopback interface.
class LocalHttpServer {
public:
    enum class Behaviour {
        Normal,
        NotFound,    // 404 with a small HTML body
        WrongBytes,  // the right length, some bytes flipped
        Slow,        // the file in small pieces with pauses (see setSlowRate)
        Stall,       // headers and the first bytes, then silence until the client hangs up
        Drop,        // announces the full length, sends half, closes the connection
        Redirect,    // 302 to the target given with redirect()
    };

    explicit LocalHttpServer(std::string rootFolder);
    ~LocalHttpServer();
    LocalHttpServer(const LocalHttpServer&) = delete;
    LocalHttpServer& operator=(const LocalHttpServer&) = delete;

    int port() const { return m_port; }
    // "http://127.0.0.1:PORT/"
    std::string baseUrl() const;

    // path as requested, with its leading '/': "/kmnist/t10k-images-idx3-ubyte.gz".
    void setBehaviour(const std::string& path, Behaviour behaviour);
    void redirect(const std::string& path, const std::string& location);
    // Slow paths send about this many bytes per second (default 256 kB/s).
    void setSlowRate(int bytesPerSecond);

    // Paths requested so far, in arrival order.
    std::vector<std::string> requests() const;
    std::string lastUserAgent() const;

private:
    void acceptLoop();
    void serve(int fd);
    bool sendAll(int fd, const char* data, std::size_t size);
    // Sleeps in small steps; false when the server is stopping or the peer has gone.
    bool pause(int fd, int milliseconds);

    std::string m_root;
    int m_listenFd = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_acceptThread;

    mutable std::mutex m_mutex;
    std::vector<std::thread> m_connections;
    std::map<std::string, Behaviour> m_behaviours;
    std::map<std::string, std::string> m_redirects;
    std::vector<std::string> m_requests;
    std::string m_lastUserAgent;
    int m_slowRate = 256 * 1024;
};

// A loopback port with nothing listening on it (bound, then closed): connecting is refused.
int closedLoopbackPort();

}  // namespace kanalab::test
