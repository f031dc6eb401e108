import CScrSupport

/// Memory for the buffers the interpreter makes on hot paths. Not `UnsafeMutablePointer.allocate`,
/// which asks for its memory through `posix_memalign` on Linux at twice malloc's cost: a closure's
/// captures and an async call's frame come from `scr_allocate`, which keeps freed small blocks on
/// per-thread lists by size and makes a zero-sized buffer without allocating (allocator.c;
/// docs/internals.md, "Small buffers"), and are given back with the capacity they were made with;
/// an instance's fields past two come from malloc itself (`allocateFromMalloc`).
enum Buffer {
    @inline(__always)
    static func allocate<Element>(_ type: Element.Type, capacity: Int) -> UnsafeMutablePointer<Element> {
        scr_allocate(capacity * MemoryLayout<Element>.stride).bindMemory(to: Element.self, capacity: capacity)
    }

    @inline(__always)
    static func deallocate<Element>(_ buffer: UnsafeMutablePointer<Element>, capacity: Int) {
        scr_deallocate(buffer, capacity * MemoryLayout<Element>.stride)
    }

    /// A buffer straight from malloc, for what dies a whole structure at a time (an instance's fields
    /// past two): a tree freed at once fills the lists with its first few dozen blocks and passes the
    /// rest through them to free, each allocation and free a call deeper (tree_walk: +0.8%
    /// instructions through the lists).
    @inline(__always)
    static func allocateFromMalloc<Element>(_ type: Element.Type, capacity: Int) -> UnsafeMutablePointer<Element> {
        scr_malloc(capacity * MemoryLayout<Element>.stride).bindMemory(to: Element.self, capacity: capacity)
    }

    @inline(__always)
    static func freeToMalloc<Element>(_ buffer: UnsafeMutablePointer<Element>) {
        scr_free(buffer)
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
