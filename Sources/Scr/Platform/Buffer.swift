#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Memory for the buffers the interpreter makes on hot paths (a closure's captures, an async call's
/// frame), from `malloc`: `UnsafeMutablePointer.allocate` asks for its memory through
/// `posix_memalign` on Linux, which costs twice as much (2% of a loop that makes closures).
enum Buffer {
    static func allocate<Element>(_ type: Element.Type, capacity: Int) -> UnsafeMutablePointer<Element> {
        let memory = malloc(max(capacity, 1) * MemoryLayout<Element>.stride)!
        return memory.bindMemory(to: Element.self, capacity: capacity)
    }

    static func deallocate<Element>(_ buffer: UnsafeMutablePointer<Element>) {
        free(buffer)
    }
}

extension UnsafeMutablePointer {
    /// Destroys `count` values one at a time with code made for their type, where
    /// `deinitialize(count:)` would call the type's generic value witness for each (freeing frames
    /// that way took 8% of a call).
    @inline(__always)
    func destroy(count: Int) {
        for element in self..<(self + count) { _ = element.move() }
    }
}
