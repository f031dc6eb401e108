import Crypto

/// The framed protocol's handshake, in which client and server each prove they know the token
/// without sending it (as Erlang's distribution cookie is proved): a client that dialled the wrong
/// port gives a stranger nothing to reuse, and learns that it is talking to a stranger.
///
///     client → `SCR/2 CNONCE`
///     server → `SCR/2 CHALLENGE SNONCE SPROOF`  SPROOF = HMAC-SHA256(token, "scr-server|CNONCE|SNONCE")
///     client → `CPROOF`                         CPROOF = HMAC-SHA256(token, "scr-client|SNONCE|CNONCE")
///     server → `SCR/2 OK`
///
/// The client answers only once the server's proof checks out. Nonces are 128 random bits in hex,
/// proofs hex too, compared in constant time. A server without a token (a Unix socket, where the
/// peer's user id is checked) answers the first line with `SCR/2 OK` at once.
enum Handshake {
    static let prefix = "SCR/2 "
    static let challengePrefix = "SCR/2 CHALLENGE "
    static let accepted = "SCR/2 OK\n"

    static func nonce() -> String { AccessToken.generate() }

    /// Whether `text` can be a nonce: hex, of a sensible length.
    static func isNonce(_ text: String) -> Bool {
        (16...128).contains(text.count) && text.allSatisfy(\.isHexDigit)
    }

    static func serverProof(token: String, clientNonce: String, serverNonce: String) -> String {
        proof(token, "scr-server|\(clientNonce)|\(serverNonce)")
    }

    static func clientProof(token: String, clientNonce: String, serverNonce: String) -> String {
        proof(token, "scr-client|\(serverNonce)|\(clientNonce)")
    }

    private static func proof(_ token: String, _ message: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(token.utf8)))
        return Array(code).hex
    }
}
