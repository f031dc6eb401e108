import NIOCore
@testable import ScrREPL
import Testing

/// What goes to a remote REPL client waits in one queue per connection, which gives the event loop
/// one task however much piles up, bounds the output, and keeps the order (docs/remote.md, "Output
/// floods"). Tested without a loop or a socket.
struct OutboundQueueTests {
    private func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }

    @Test func aFloodOfOutputGivesTheLoopOneTaskAndIsBounded() {
        var queue = OutboundQueue()
        let line = String(repeating: "x", count: 45) + "\n"  // 46 bytes
        var tasks = 0
        for _ in 0..<200_000 where queue.append(.output(line, request: 0)) { tasks += 1 }
        // Answers and prompts are never dropped, even past the bound.
        if queue.append(.bytes(ByteBuffer(string: ">>> "))) { tasks += 1 }
        #expect(tasks == 1)
        let items = queue.take()
        let kept = (OutboundQueue.maxOutput + 45) / 46  // taken while less than the bound is queued
        #expect(items.count == kept + 1)
        var buffer = ByteBuffer()
        OutboundQueue.encode(items, for: .plain, takesOutput: true, into: &buffer)
        #expect(buffer.readableBytes == kept * 46 + 4)
        #expect(text(buffer).hasSuffix("x\n>>> "))
        // Taken: the next item needs a task of its own, and the bound starts again.
        let scheduled = queue.append(.output(line, request: 0)), scheduledAgain = queue.append(.output(line, request: 0))
        #expect(scheduled && !scheduledAgain)
        #expect(queue.take().count == 2)
    }

    @Test func itemsGoInOrderWithEachInputsOutputInOnePiece() throws {
        var queue = OutboundQueue()
        _ = queue.append(.output("a", request: 1))
        _ = queue.append(.output("b", request: 1))
        _ = queue.append(.output("c", request: 2))
        _ = queue.append(.bytes(ByteBuffer(string: "<answer>")))
        _ = queue.append(.output("d", request: 2))
        let items = queue.take()

        var plain = ByteBuffer()
        OutboundQueue.encode(items, for: .plain, takesOutput: true, into: &plain)
        #expect(text(plain) == "abc<answer>d")

        var framed = ByteBuffer()
        OutboundQueue.encode(items, for: .framed, takesOutput: true, into: &framed)
        let first = try Message.read(from: &framed), second = try Message.read(from: &framed)
        let answer = framed.readString(length: 8), last = try Message.read(from: &framed)
        #expect(first == Message(kind: .output, id: 1, payload: "ab"))
        #expect(second == Message(kind: .output, id: 2, payload: "c"))
        #expect(answer == "<answer>")
        #expect(last == Message(kind: .output, id: 2, payload: "d"))
        #expect(framed.readableBytes == 0)
    }

    @Test func outputIsLeftOutWhenTheClientDoesNotTakeIt() {
        var queue = OutboundQueue()
        _ = queue.append(.output("output", request: 0))
        _ = queue.append(.bytes(ByteBuffer(string: "answer")))
        let items = queue.take()
        for (reader, takes) in [(OutboundQueue.Reader.plain, false), (.framed, false), (.undecided, true)] {
            var buffer = ByteBuffer()
            OutboundQueue.encode(items, for: reader, takesOutput: takes, into: &buffer)
            #expect(text(buffer) == "answer", "\(reader), takes output: \(takes)")
        }
    }

    @Test func outputOverAFrameTravelsInFrames() throws {
        var queue = OutboundQueue()
        let big = String(repeating: "é", count: Message.maximumLength)  // 2 bytes each: two frames
        _ = queue.append(.output(big, request: 7))
        var buffer = ByteBuffer()
        OutboundQueue.encode(queue.take(), for: .framed, takesOutput: true, into: &buffer)
        var joined = ""
        while let message = try Message.read(from: &buffer) {
            #expect(message.kind == .output && message.id == 7)
            joined += message.payload
        }
        #expect(joined == big)
    }
}
