@testable import Scr
import Testing

/// The one-shot waits of the task machinery.
struct OneShotTests {
    @Test func aWaitOnAFiredOneShotSaysItDidNotWait() async {
        let fired = OneShot()
        fired.fire()
        #expect(await fired.wait() == false, "already fired: the task went on at once")
        let later = OneShot()
        Task.detached {
            try? await Task.sleep(nanoseconds: 10_000_000)
            later.fire()
        }
        #expect(await later.wait() == true)
    }
}
