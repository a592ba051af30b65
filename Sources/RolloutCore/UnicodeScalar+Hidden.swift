extension Unicode.Scalar {
    /// A control or format character, or a line or paragraph separator: what a text shown to people must not carry as
    /// it came (it breaks a line on screen, or hides or reorders what follows: CR, a vertical tab, U+2028, a
    /// right-to-left override, a zero-width space).
    public var breaksOrHidesText: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
