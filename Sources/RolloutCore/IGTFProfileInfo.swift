/// The CA aliases an IGTF profile lists: the `requires = alias = version, …` line of the
/// `policy-igtf-<profile>.info` file that Debian's `igtf-policy-<profile>` package installs (issue 23).
public enum IGTFProfileInfo {
    /// The aliases required by the profile (each CA's certificate is `<alias>.pem` beside it); empty when the file
    /// holds no `requires` line.
    public static func aliases(in text: String) -> [String] {
        var aliases: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            guard let equals = trimmed.firstIndex(of: "="),
                trimmed[..<equals].trimmingWhitespace().lowercased() == "requires"
            else { continue }
            for item in trimmed[trimmed.index(after: equals)...].split(separator: ",") {
                let alias = (item.split(separator: "=").first.map(String.init) ?? "").trimmingWhitespace()
                if !alias.isEmpty, alias.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }), !alias.hasPrefix(".") {
                    aliases.append(alias)
                }
            }
        }
        return aliases
    }
}
