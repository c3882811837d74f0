// SPDX-License-Identifier: MIT
// A scripted HttpClient: replies are queued per "METHOD URL" and every request is recorded.
#pragma once

#include "bank2mqtt/services.h"

#include <deque>
#include <map>
#include <string>
#include <vector>

namespace bank2mqtt::test {

class FakeHttpClient : public HttpClient {
public:
    /// Queues `response` for the next request with this method and exact URL.
    void expect(const std::string& method, const std::string& url, HttpResponse response)
    {
        script_[method + " " + url].push_back(std::move(response));
    }
    void expect(const std::string& method, const std::string& url, int status, std::string body,
                std::vector<HttpHeader> headers = {{"Content-Type", "application/json"}})
    {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        expect(method, url, std::move(r));
    }
    void expectTransportError(const std::string& method, const std::string& url,
                              TransportError error, std::string text = "simulated")
    {
        HttpResponse r;
        r.transportError = error;
        r.errorText = std::move(text);
        expect(method, url, std::move(r));
    }

    /// An unscripted request is answered with a transport error and remembered in unexpected().
    HttpResponse send(const HttpRequest& request) noexcept override
    {
        requests_.push_back(request);
        auto it = script_.find(request.method + " " + request.url);
        if (it == script_.end() || it->second.empty()) {
            unexpected_.push_back(request.method + " " + request.url);
            HttpResponse r;
            r.transportError = TransportError::Other;
            r.errorText = "unexpected request in test";
            return r;
        }
        HttpResponse r = std::move(it->second.front());
        it->second.pop_front();
        return r;
    }

    const std::vector<HttpRequest>& requests() const { return requests_; }
    const std::vector<std::string>& unexpected() const { return unexpected_; }
    /// Number of scripted replies not consumed yet.
    std::size_t pending() const
    {
        std::size_t n = 0;
        for (const auto& [key, queue] : script_)
            n += queue.size();
        return n;
    }
    void clearRequests() { requests_.clear(); }

private:
    std::map<std::string, std::deque<HttpResponse>> script_;
    std::vector<HttpRequest> requests_;
    std::vector<std::string> unexpected_;
};

}  // namespace bank2mqtt::test
