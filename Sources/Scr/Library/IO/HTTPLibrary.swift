import NIOCore
import NIOHTTP1
import NIOPosix

/// `http`: an HTTP/1.1 server and client on NIO's HTTP codec.
///
/// `await http.serve(port, handler)` (or `serve(host, port, handler)`; the host defaults to
/// loopback) calls `handler(request)` for each request in a task of its own; the request is a map
/// of `method`, `path`, `query`, `headers` and `body`, and what the handler returns is the response:
/// a string (200, text), nil (204), or a map of `status`, `headers` and `body` (a string, or a list
/// or map sent as JSON). Connections are kept alive; a malformed request gets 400 and an oversized
/// body 413, and the server goes on. `await http.get(url)` and `await http.request(method, url,
/// headers?, body?, timeout?)` give `{status, headers, body}`; only `http://` (no TLS).
enum HTTPLibrary {
    /// The largest request or response body a script is handed.
    static let maxBody = 8 << 20

    static func members(_ runtime: Runtime) -> [(String, Value)] {
        [
            native("serve", 2...3) { call in
                let host = call.count == 3 ? try call.string(0, "host") : "127.0.0.1"
                let port = try call.port(call.count - 2, allowingZero: true)
                let handler = try call.callable(call.count - 1, "handler")
                return call.awaitable { try await HTTPServer.serve(host: host, port: port, handler: handler, call) }
            },
            native("get", 1...2) { call in
                let url = try call.string(0, "url")
                let headers = call.optional(1) == nil ? [] : try call.headers(1)
                return call.awaitable {
                    try await HTTPClient.request("GET", url, headers: headers, body: nil, timeout: 30, call)
                }
            },
            native("request", 2...5) { call in
                let method = try call.string(0, "method").uppercased()
                guard !method.isEmpty, method.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A || $0 == 0x2D }) else {
                    throw call.valueError("request() takes a method such as \"GET\", not \"\(method)\".")
                }
                let url = try call.string(1, "url")
                var headers = call.optional(2) == nil ? [] : try call.headers(2)
                let body = call.optional(3) == nil ? nil : try call.body(3, headers: &headers)
                let timeout = call.optional(4) == nil ? 30 : try call.number(4, "timeout")
                guard timeout > 0, timeout <= 86_400 else {
                    throw call.valueError("request() takes a timeout of 0 to 86400 seconds, not \(Value.number(timeout)).")
                }
                return call.awaitable {
                    try await HTTPClient.request(method, url, headers: headers, body: body, timeout: timeout, call)
                }
            },
        ]
    }
}

extension ArgumentChecking {
    /// A map of header names to strings (or numbers).
    func headers(_ index: Int) throws -> [(String, String)] {
        try map(index, "headers").entries.map { key, value in
            guard case .string(let name) = key else { throw error("\(name)() takes header names that are strings.") }
            switch value {
            case .string(let text): return (name.value, text.value)
            case .number: return (name.value, value.description)
            default: throw error("\(self.name)() takes header values that are strings, not \(value.typeName).")
            }
        }
    }

    /// A body: a string as it is, a list or map as JSON (and a JSON content type unless one is given).
    func body(_ index: Int, headers: inout [(String, String)]) throws -> [UInt8] {
        try HTTPBody.bytes(of: arguments[index], headers: &headers, context: context, function: name)
    }
}

enum HTTPBody {
    /// A body's bytes: a string as it is (text), a list or map as JSON.
    static func bytes(of value: Value, headers: inout [(String, String)], context: CallContext, function: String)
        throws -> [UInt8]
    {
        let hasType = headers.contains { $0.0.lowercased() == "content-type" }
        switch value {
        case .string(let text):
            if !hasType { headers.append(("content-type", "text/plain; charset=utf-8")) }
            return Array(text.value.utf8)
        case .list, .map:
            var writer = JSONWriter(indent: "", call: NativeCall(name: function, arguments: [], context: context))
            try writer.write(value, depth: 0)
            if !hasType { headers.append(("content-type", "application/json")) }
            return Array(writer.output.utf8)
        default:
            throw context.error("\(function)() takes a body that is a string, a list or a map, not \(value.typeName).")
        }
    }
}

// MARK: The server

/// What `http.serve` starts: a server (the `Server` object scripts see) whose task answers each
/// request by calling the handler in a task of its own.
enum HTTPServer {
    static func serve(host: String, port: Int, handler: Value, _ call: NativeCall) async throws -> Value {
        let requests = IOQueue<IncomingRequest>()
        return try await ScriptServer.start(
            kind: "HTTPServer", task: "http.serve", host: host, port: port, arrivals: requests, call,
            configure: { bootstrap in
                // Half-closed: a client that shuts its side down after its request still gets the answer.
                bootstrap.childChannelOption(.allowRemoteHalfClosure, value: true).childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                        try pipeline.addHandler(HTTPServerConnection(requests))
                    }
                }
            },
            serve: { [maps = RequestMaps(call.runtime)] request, site in
                call.runtime.answer(maps.value(of: request), to: request, with: handler, site: site,
                                    line: call.context.line)
            })
    }
}

extension Runtime {
    /// Calls the handler for `request` in a task of its own and sends what it returns. A handler that
    /// fails has its error reported, as an unawaited task's is, and the client gets 500.
    fileprivate func answer(_ value: Value, to request: IncomingRequest, with handler: Value, site: TraceFrame?,
                            line: Int) {
        let uri = request.head.uri
        // Joined, not interpolated: an interpolation reserves a buffer, an allocation a request.
        let name = request.head.method.rawValue + " " + (uri.utf8.count <= 60 ? uri : String(uri.prefix(60)))
        startTask(named: name) {
            var response: HTTPResponse
            do {
                let result = try await self.awaitCall(handler, [value], line: line)
                do {
                    response = try HTTPResponse(result, runtime: self, line: line)
                } catch let error as ScriptError {
                    // What the handler returned is wrong: the traceback points at the handler.
                    if case .function(let closure) = handler {
                        error.arrive(at: closure.code.line)
                        error.leave(closure.code.location)
                    }
                    throw error
                }
            } catch let error as ScriptError where error.isFailure {
                self.reportHandlerError(error, site: site)
                response = HTTPResponse(status: 500, text: "Internal Server Error\n")
            } catch {
                request.channel.close(promise: nil)
                throw error
            }
            // As a connection's `write` does: wait only when the client is not reading.
            if let sent = request.responder.send(response, to: request.head) {
                _ = try? await self.awaitIO(sent, line: line)
            }
            return .nil
        }.spawnSite = site
    }

    /// Headers as a map of lower-case names; a repeated header's values joined by ", ".
    fileprivate func headersValue(_ headers: HTTPHeaders) -> Value {
        let map = MapObject(OrderedMap(capacity: headers.count))
        for (name, value) in headers {
            let key = Value.string(name.lowercased())
            if case .string(let earlier) = map.entries[key] {
                map.entries[key] = .string(earlier.value + ", " + value)
            } else {
                map.entries[key] = .string(value)
            }
        }
        return .map(track(map))
    }
}

/// Makes the maps a server's handler is given: `{method, path, query, headers, body}`. They all have
/// the same five keys, so they share one array of them, as `json.parse`'s records do (a script that
/// changes a request map copies it then); a method's name and the empty body are made once. Built
/// key by key, the maps cost 8,000 instructions a request and 17 allocations; now 4,150 and 9, half
/// of them the headers' map (docs/internals.md, "Async I/O"). A client sends the same header names
/// with every request, and mostly the same values: a headers map shares the keys of the last one
/// whose names were the same, and a path or a header's value that repeats is the last one's string
/// (strings cannot change). Lives on the executor, as the server's task does.
final class RequestMaps {
    private let runtime: Runtime
    private let keys: OrderedMap.KeySet
    private let emptyBody = Value.string("")
    private var lastMethod = Value.string("GET")
    private var lastPath = Value.string("/")
    /// The names of the last headers whose names were all different, as they came, and their map's
    /// keys and values (in the same order).
    private var lastHeaderNames: [String] = []
    private var lastHeaderKeys: OrderedMap.KeySet?
    private var lastHeaderValues: [Value] = []

    init(_ runtime: Runtime) {
        self.runtime = runtime
        var template = OrderedMap(capacity: 5)
        for key in ["method", "path", "query", "headers", "body"] { template[.string(key)] = .nil }
        keys = template.keySet
    }

    func value(of request: IncomingRequest) -> Value {
        let uri = request.head.uri
        // Searched as bytes: as characters, the search took as long as the rest of the map.
        let (path, query) = uri.utf8.firstIndex(of: UInt8(ascii: "?"))
            .map { (String(uri[..<$0]), String(uri[uri.utf8.index(after: $0)...])) } ?? (uri, "")
        let pairs = query.split(separator: "&")
        let queryMap = MapObject(OrderedMap(capacity: pairs.count))
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Value.string(URLText.decode(parts[0]))
            if queryMap.entries[key] == nil {
                queryMap.entries[key] = .string(parts.count > 1 ? URLText.decode(parts[1]) : "")
            }
        }
        let method = request.head.method.rawValue
        if !RequestMaps.isString(lastMethod, method) { lastMethod = .string(method) }
        if !RequestMaps.isString(lastPath, path) { lastPath = .string(path) }
        let fields = OrderedMap(keys: keys, values: [
            lastMethod,
            lastPath,
            .map(runtime.track(queryMap)),
            headersValue(request.head.headers),
            request.body.isEmpty ? emptyBody : .string(String(decoding: request.body, as: UTF8.self)),
        ])
        return .map(runtime.track(MapObject(fields)))
    }

    /// The headers' map, as `Runtime.headersValue` makes it; with the last map's keys when the names
    /// are the last headers' names, in the same order (a map of its own each request: a handler may
    /// change it). Made key by key, a header cost a lower-cased name, two strings and its share of
    /// two arrays.
    private func headersValue(_ headers: HTTPHeaders) -> Value {
        guard let keys = lastHeaderKeys, headers.count == lastHeaderNames.count,
              zip(headers, lastHeaderNames).allSatisfy({ $0.name == $1 })
        else {
            let value = runtime.headersValue(headers)
            guard case .map(let map) = value, map.entries.count == headers.count else {
                lastHeaderKeys = nil  // a repeated name: its values were joined
                return value
            }
            lastHeaderNames = headers.map(\.name)
            lastHeaderKeys = map.entries.keySet
            lastHeaderValues = map.entries.values
            return value
        }
        // Only a value that changed is written: the array is shared with the last map until then.
        for (index, header) in headers.enumerated() where !RequestMaps.isString(lastHeaderValues[index], header.value) {
            lastHeaderValues[index] = .string(header.value)
        }
        return .map(runtime.track(MapObject(OrderedMap(keys: keys, values: lastHeaderValues))))
    }

    /// Whether `value` is the string `text`, which a map can then share.
    private static func isString(_ value: Value, _ text: String) -> Bool {
        if case .string(let string) = value { return string.value == text }
        return false
    }
}

/// A response made from what a handler returned, ready to send.
struct HTTPResponse {
    var status: Int
    var headers: [(String, String)] = []
    var body = Body.bytes([])

    /// A text body stays the string it was: its bytes are copied once, into the buffer sent.
    enum Body {
        case text(String)
        case bytes([UInt8])

        var count: Int {
            switch self {
            case .text(let text): text.utf8.count
            case .bytes(let bytes): bytes.count
            }
        }
    }

    /// A text response's headers, one array for all of them.
    private static let textHeaders = [("content-type", "text/plain; charset=utf-8")]

    init(status: Int, text: String) {
        self.status = status
        headers = HTTPResponse.textHeaders
        body = .text(text)
    }

    /// A string is a 200 text response, nil a 204, a map `{status?, headers?, body?}` what it says.
    init(_ value: Value, runtime: Runtime, line: Int) throws {
        let context = CallContext(runtime: runtime, line: line)
        status = 200
        switch value {
        case .nil:
            status = 204
        case .string(let text):
            headers = HTTPResponse.textHeaders
            body = .text(text.value)
        case .map(let map):
            if let code = map.entries[.string("status")] {
                guard case .number(let number) = code, number == number.rounded(), (100...999).contains(number) else {
                    throw context.error("An HTTP response's status must be a whole number from 100 to 999, not \(code).",
                                        class: .valueError)
                }
                status = Int(number)
            }
            if let given = map.entries[.string("headers")] {
                headers = try NativeCall(name: "response", arguments: [given], context: context).headers(0)
                try HTTPResponse.check(headers, context)
            }
            if let content = map.entries[.string("body")], content != .nil {
                body = .bytes(try HTTPBody.bytes(of: content, headers: &headers, context: context, function: "response"))
            }
        default:
            throw context.error("An HTTP handler returns a string, a map or nil, not \(value.typeName).")
        }
    }

    /// Header names are tokens and values hold no line break, so that a handler can't end the head
    /// early and write a response of its own (header injection).
    private static func check(_ headers: [(String, String)], _ context: CallContext) throws {
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenCharacter) else {
                throw context.error("An HTTP response's header name must be a token, not \(Value.string(name).repr).",
                                    class: .valueError)
            }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw context.error("An HTTP response's header '\(name)' has a line break in its value.", class: .valueError)
            }
        }
    }

    /// RFC 9110's `tchar`: letters, digits and `!#$%&'*+-.^_`|~`.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}

/// Percent-decoding of URL parts (`+` is a space in a query).
enum URLText {
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                      let high = hexValue(utf8[utf8.startIndex]), let low = hexValue(utf8[utf8.startIndex + 1]) {
                bytes.append(high << 4 | low)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: The client

/// A response as it arrived.
struct ReceivedResponse: Sendable {
    var head: HTTPResponseHead
    var body: [UInt8] = []
}

/// Gathers the response to the one request a client connection sends.
final class HTTPResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<ReceivedResponse>
    private var response: ReceivedResponse?

    init(_ promise: EventLoopPromise<ReceivedResponse>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            response = ReceivedResponse(head: head)
        case .body(let buffer):
            guard response != nil else { return }
            if response!.body.count + buffer.readableBytes > HTTPLibrary.maxBody {
                promise.fail(HTTPClient.Failure.tooLarge)
                context.close(promise: nil)
                return
            }
            buffer.withUnsafeReadableBytes { response!.body.append(contentsOf: $0) }
        case .end:
            if let response { promise.succeed(response) }
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(HTTPClient.Failure.closedEarly)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}

enum HTTPClient {
    enum Failure: Error, CustomStringConvertible {
        case closedEarly, tooLarge, timedOut

        var description: String {
            switch self {
            case .closedEarly: "The connection closed before the response ended"
            case .tooLarge: "The response is larger than 8 MiB"
            case .timedOut: "Timed out"
            }
        }
    }

    /// An `http://host:port/path?query` URL in its parts.
    struct Target {
        var host: String
        var port: Int
        var path: String

        init?(_ url: String) {
            guard url.lowercased().hasPrefix("http://") else { return nil }
            let rest = url.dropFirst(7)
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            path = String(rest.dropFirst(authority.count))
            if path.isEmpty || path.first == "?" { path = "/" + path }
            if authority.hasPrefix("[") {
                // [::1]:8080
                guard let close = authority.firstIndex(of: "]") else { return nil }
                host = String(authority[authority.index(after: authority.startIndex)..<close])
                let after = authority[authority.index(after: close)...]
                port = 80
                if after.hasPrefix(":") {
                    guard let number = Int(after.dropFirst()) else { return nil }
                    port = number
                }
            } else if let colon = authority.lastIndex(of: ":") {
                host = String(authority[..<colon])
                guard let number = Int(authority[authority.index(after: colon)...]) else { return nil }
                port = number
            } else {
                host = String(authority)
                port = 80
            }
            guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        }
    }

    static func request(
        _ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?, timeout: Double,
        _ call: NativeCall
    ) async throws -> Value {
        let runtime = call.runtime
        let line = call.context.line
        guard let target = Target(url) else {
            let reason = url.lowercased().hasPrefix("https://") ? "https (TLS) is not supported" : "not an http:// URL"
            throw call.valueError("\(call.name)() can't request '\(url)': \(reason).")
        }
        let loop = await runtime.eventLoop()
        let limit = TimeAmount.milliseconds(Int64(timeout * 1000))
        let promise = loop.makePromise(of: ReceivedResponse.self)
        let deadline = loop.scheduleTask(in: limit) {
            promise.fail(Failure.timedOut)
        }
        let opened = Locked<(any Channel)?>(nil)
        promise.futureResult.whenComplete { _ in
            deadline.cancel()
            opened.withLock { $0 }?.close(promise: nil)
        }
        var head = HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: target.path)
        head.headers.add(name: "host", value: target.port == 80 ? target.host : "\(target.host):\(target.port)")
        for (name, value) in headers { head.headers.add(name: name, value: value) }
        if let body { head.headers.replaceOrAdd(name: "content-length", value: String(body.count)) }
        head.headers.replaceOrAdd(name: "connection", value: "close")
        let requestHead = head
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(min(timeout, 30) * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(HTTPResponseCollector(promise))
                }
            }
        let connecting: EventLoopFuture<any Channel>
        do {
            connecting = try await runtime.connecting(bootstrap, to: target.host, port: target.port, on: loop,
                                                      timeout: limit, line: line)
        } catch {
            promise.fail(error)
            throw runtime.ioError(error, "\(method) '\(url)'", line: line)
        }
        connecting.whenComplete { result in
            switch result {
            case .failure(let error):
                promise.fail(error)
            case .success(let channel):
                opened.withLock { $0 = channel }
                channel.write(HTTPClientRequestPart.head(requestHead), promise: nil)
                if let body {
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))),
                                  promise: nil)
                }
                channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            }
        }
        let response: ReceivedResponse
        do {
            response = try await runtime.awaitIO(promise.futureResult, line: line)
        } catch let error as ScriptError {
            promise.fail(error)
            throw error
        } catch {
            throw runtime.ioError(error, "\(method) '\(url)'", line: line)
        }
        return call.map([
            ("status", .number(Double(response.head.status.code))),
            ("headers", runtime.headersValue(response.head.headers)),
            ("body", .string(String(decoding: response.body, as: UTF8.self))),
        ])
    }
}
