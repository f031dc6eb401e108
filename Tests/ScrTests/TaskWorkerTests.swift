@testable import Scr
import Testing

/// The Swift tasks that run script tasks, and wait for the next when theirs has finished
/// (`Runtime.startTask`; docs/internals.md, "Async calls").
struct TaskWorkerTests {
    @Test func finishedTasksWaitForTheNextUpToTheLimit() async throws {
        let lines = Locked<[String]>([])
        let interpreter = Interpreter(output: { text in lines.withLock { $0.append(text) } }, errors: { _ in })
        // 200 tasks at once: when they finish, at most `maxIdleWorkers` Swift tasks stay to wait.
        try await interpreter.run("""
            async fun job(i) { await sleep(0); return i; }
            var tasks = [];
            for (var i = 0; i < 200; i = i + 1) tasks.push(spawn(job(i)));
            var sum = 0;
            for (var t in tasks) sum = sum + await t;
            print sum;
            """)
        let idle = try await interpreter.onExecutorNow { $0.idleWorkers.count }
        #expect(idle == Runtime.maxIdleWorkers)
        // One at a time: each spawn takes a waiting Swift task, which runs it and waits again, so
        // their number stays; a failing task and a cancelled one leave theirs as a finished one does.
        try await interpreter.run("""
            var total = 0;
            for (var i = 0; i < 1000; i = i + 1) total = total + await spawn(job(i));
            print total;
            async fun fails() { await sleep(0); throw "no"; }
            try { await spawn(fails()); } catch (e) { print "caught " + e; }
            var slow = spawn(sleep(100));
            await sleep(0);
            slow.cancel();
            try { await slow; } catch (e) { print e.message; }
            print await spawn(job("last"));
            """)
        #expect(try await interpreter.onExecutorNow { $0.idleWorkers.count } == Runtime.maxIdleWorkers)
        let printed = lines.withLock { $0 }
        #expect(printed.joined() == "19900\n499500\ncaught no\nTask cancelled.\nlast\n")
    }
}

/// `LiveTasks`: the unfinished background tasks, each removed from its place by a swap with the last.
struct LiveTasksTests {
    private func task(_ id: Int) -> TaskObject { TaskObject(name: "t\(id)", id: id, isBackground: true) }

    @Test func removalInAnyOrderKeepsExactlyTheOthers() {
        // Every order of removing five tasks (all 120 permutations), checked after each removal.
        func permutations(_ items: [Int]) -> [[Int]] {
            items.isEmpty ? [[]] : items.indices.flatMap { i in
                permutations(Array(items[..<i] + items[(i + 1)...])).map { [items[i]] + $0 }
            }
        }
        let orders = permutations(Array(0..<5))
        #expect(orders.count == 120)
        for order in orders {
            let tasks = (1...5).map(task)
            var live = LiveTasks()
            for task in tasks { live.insert(task) }
            var expected = Set(tasks.map(\.id))
            for index in order {
                live.remove(tasks[index])
                live.remove(tasks[index])  // a second removal changes nothing
                expected.remove(tasks[index].id)
                #expect(Set(live.all.map(\.id)) == expected)
                #expect(live.all.count == expected.count)
                for id in 1...5 { #expect((live[id] != nil) == expected.contains(id)) }
            }
            #expect(live.isEmpty)
        }
    }

    @Test func aTaskOfAnEmptiedSetIsNotRemovedFromTheNextOne() {
        let (first, second) = (task(1), task(2))
        var live = LiveTasks()
        live.insert(first)
        live = LiveTasks()  // what `tearDown` does
        live.insert(second)
        live.remove(first)  // its place, 0, is now the second's
        #expect(live.all.map(\.id) == [2])
    }
}
