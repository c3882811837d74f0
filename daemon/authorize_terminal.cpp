// SPDX-License-Identifier: MIT
// runAuthorization(): the terminal side of a plugin's Authorization capability.
#include "authorize_terminal.h"

#include "exit_codes.h"

#include <iostream>

#include <termios.h>
#include <unistd.h>

namespace bank2mqtt {
namespace {

/// "2" picks the second choice; anything else is taken as typed (a bank's name).
std::string resolveChoice(const AuthStep& step, const std::string& reply)
{
    if (step.choices.empty() || reply.empty() || reply.size() > 4)
        return reply;
    std::size_t n = 0;
    for (const char c : reply) {
        if (c < '0' || c > '9')
            return reply;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n >= 1 && n <= step.choices.size() ? step.choices[n - 1] : reply;
}

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return "";
    return text.substr(first, text.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

int runAuthorization(Authorization& auth, const std::string& sourceId, const ReadAnswer& read,
                     std::ostream& out, const ScrubText& scrub)
{
    const std::string tag = "[source." + sourceId + "] ";
    AuthStep step = auth.start();
    // A bound on the questions: a plugin that never ends must not keep a person typing forever.
    for (int asked = 0; step.kind == AuthStep::Kind::Ask && asked < 20; ++asked) {
        out << tag << scrub(step.prompt) << "\n";
        if (!step.url.empty())
            out << "  open: " << step.url << "\n";
        for (std::size_t i = 0; i < step.choices.size(); ++i)
            out << "  " << (i + 1) << ") " << scrub(step.choices[i]) << "\n";
        out << "> " << std::flush;
        const std::optional<std::string> reply = read(step.secretAnswer);
        if (!reply) {
            out << "\n" << tag << "no answer; nothing was stored\n";
            return exitcode::kUsage;
        }
        step = auth.answer(resolveChoice(step, trimmed(*reply)));
    }
    switch (step.kind) {
    case AuthStep::Kind::Done:
        out << tag << scrub(step.prompt) << "\n";
        return exitcode::kOk;
    case AuthStep::Kind::Failed:
        out << tag << scrub(step.prompt) << "\n";
        return step.usageError ? exitcode::kUsage : exitcode::kNoPermission;
    case AuthStep::Kind::Ask:
        break;
    }
    out << tag << "the authorization asked too many questions; nothing was stored\n";
    return exitcode::kSoftware;
}

std::optional<std::string> readStdinLine(bool secret)
{
    termios saved{};
    const bool hide = secret && ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (hide) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cout << "\n";
    }
    if (!got)
        return std::nullopt;
    return line;
}

}  // namespace bank2mqtt
