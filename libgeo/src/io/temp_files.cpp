// Temporary output files: removal on signals and of stale leftovers (lugeo/temp_files.hpp).
#include <lugeo/temp_files.hpp>

#include <array>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lugeo::temp {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t slots = 64, variants = 10, max_path = 1024;

/// One tracked path and its variants, as C strings the signal handler can unlink.
struct Slot {
    std::atomic<int> state{0}; ///< 0 free, 1 being written, 2 in use
    std::array<std::array<char, max_path>, variants> names{};
    char base[max_path] = {};
};
std::array<Slot, slots> g_slots;
std::mutex g_mutex;         // track/untrack from several threads
struct sigaction g_old[65]; // the actions before ours, per signal (chained to)

void on_signal(int sig) {
    for (Slot &s : g_slots) {
        if (s.state.load() != 2) continue;
        for (const auto &n : s.names)
            if (n[0]) ::unlink(n.data());
        ::rmdir(s.base);
    }
    // the action before ours (default: end the process) takes the signal once this returns
    ::sigaction(sig, &g_old[sig], nullptr);
    ::raise(sig);
}

std::string lower(std::string s) {
    for (char &c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool alive(long pid) {
    if (pid <= 0) return false;
    if (pid == static_cast<long>(::getpid())) return true;
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

} // namespace

std::string sibling(const std::string &path) {
    const fs::path p(path);
    const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::string name = ".";
    name += p.stem().string();
    name += ".tmp";
    name += std::to_string(::getpid());
    name += p.extension().string();
    return (dir / name).string();
}

void track(const std::string &path) {
    if (path.size() + 16 >= max_path) return;
    std::lock_guard lock(g_mutex);
    for (Slot &s : g_slots) {
        int expected = 0;
        if (!s.state.compare_exchange_strong(expected, 1)) continue;
        std::size_t k = 0;
        auto add = [&](const std::string &n) {
            if (k < variants) {
                std::strncpy(s.names[k].data(), n.c_str(), max_path - 1);
                s.names[k][max_path - 1] = 0;
                ++k;
            }
        };
        add(path);
        const fs::path p(path);
        const std::string ext = lower(p.extension().string());
        if (ext == ".shp") {
            for (const char *e : {".shx", ".dbf", ".prj", ".cpg", ".qix"}) {
                fs::path q = p;
                q.replace_extension(e);
                add(q.string());
            }
        } else {
            for (const char *e : {"-journal", "-wal", "-shm"})
                add(path + e);
        }
        for (; k < variants; ++k)
            s.names[k][0] = 0;
        std::strncpy(s.base, path.c_str(), max_path - 1);
        s.state.store(2);
        return;
    }
}

void untrack(const std::string &path) {
    std::lock_guard lock(g_mutex);
    for (Slot &s : g_slots)
        if (s.state.load() == 2 && path == s.base) {
            s.state.store(1);
            for (auto &n : s.names)
                n[0] = 0;
            s.base[0] = 0;
            s.state.store(0);
        }
}

void install_signal_handlers() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
            struct sigaction sa {};
            sa.sa_handler = on_signal;
            sigemptyset(&sa.sa_mask);
            sa.sa_flags = SA_RESETHAND;
            // an ignored signal stays ignored (nohup); another handler is chained to
            if (::sigaction(sig, nullptr, &g_old[sig]) != 0 || g_old[sig].sa_handler == SIG_IGN)
                continue;
            ::sigaction(sig, &sa, nullptr);
        }
    });
}

long temp_pid(const std::string &name) {
    if (name.size() < 6 || name[0] != '.') return 0;
    // the last ".tmp<digits>" followed by '.', '-' or the end
    for (std::size_t pos = name.rfind(".tmp"); pos != std::string::npos && pos > 0;
         pos = pos == 0 ? std::string::npos : name.rfind(".tmp", pos - 1)) {
        std::size_t i = pos + 4, j = i;
        while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j])))
            ++j;
        if (j == i || j - i > 9) continue;
        if (j < name.size() && name[j] != '.' && name[j] != '-') continue;
        return std::stol(name.substr(i, j - i));
    }
    return 0;
}

std::size_t remove_stale(const std::string &dir, double min_age_s) {
    std::size_t removed = 0;
    std::error_code ec;
    const fs::path d = dir.empty() ? fs::path(".") : fs::path(dir);
    fs::directory_iterator it(d, ec), end;
    if (ec) return 0;
    const auto now = fs::file_time_type::clock::now();
    for (; it != end; it.increment(ec)) {
        if (ec) break;
        const std::string name = it->path().filename().string();
        const long pid = temp_pid(name);
        if (pid == 0 || alive(pid)) continue;
        std::error_code e2;
        const auto t = fs::last_write_time(it->path(), e2);
        if (e2) continue;
        const double age = std::chrono::duration<double>(now - t).count();
        if (age < min_age_s) continue;
        if (fs::remove_all(it->path(), e2) > 0 && !e2) ++removed;
    }
    return removed;
}

} // namespace lugeo::temp
