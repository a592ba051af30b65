/// A key of the configuration's path, for an error found below it (``DecodingError/under(_:)``).
struct ConfigurationPathKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
