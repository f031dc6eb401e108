enum Version {
    static let string = "scr 0.1.0"
}
