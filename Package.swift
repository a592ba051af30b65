// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "rollout-gateway",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rollout-gateway", targets: ["rollout-gateway"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: [
        // Pure: tickets, workflow rules, command grammar, calendar. No C, no I/O, no clock.
        .target(name: "RolloutCore"),
        // Ports (protocols) and the orchestration around the core: configuration, rendering, services.
        .target(
            name: "RolloutGateway",
            dependencies: [
                "RolloutCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The shipped templates: readable files in Templates/, compiled into the binary (no bundle to install);
            // DefaultTemplates names them (the one list: a file it does not name fails TemplatesExportTests).
            resources: [.embedInCode("Templates")]
        ),
        // The SQLite ticket store (GRDB) and its migrations.
        .target(
            name: "StoreSQLite",
            dependencies: [
                "RolloutCore", "RolloutGateway",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // A store in memory: the same semantics without SQL, for tests and `explain --no-store`.
        .target(name: "StoreMemory", dependencies: ["RolloutCore", "RolloutGateway"]),
        // The PostgreSQL ticket store (postgres-nio) for several gateway instances on one database.
        .target(
            name: "StorePostgres",
            dependencies: [
                "RolloutCore", "RolloutGateway",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its pool's typed error (ConnectionPoolError), which postgres-nio hands on as it is.
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // C libraries from Debian's packages, wrapped with static inline shims where Swift cannot call them.
        .systemLibrary(name: "CGMime", pkgConfig: "gmime-3.0", providers: [.apt(["libgmime-3.0-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CPSL", pkgConfig: "libpsl", providers: [.apt(["libpsl-dev"])]),
        .systemLibrary(name: "CLDAP", pkgConfig: "ldap", providers: [.apt(["libldap-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // S/MIME signatures (issue 23) over OpenSSL's CMS, against the IGTF CA directory.
        .target(name: "SignatureSMIME", dependencies: ["RolloutCore", "RolloutGateway", "COpenSSL"]),
        .systemLibrary(name: "CGPGME", pkgConfig: "gpgme", providers: [.apt(["libgpgme-dev"])]),
        // OpenPGP signatures (issue 23) over GPGME, against the operator's keyring in a private GnuPG home.
        .target(name: "SignatureOpenPGP", dependencies: ["RolloutCore", "RolloutGateway", "CGPGME"]),
        // Organizational domains for relaxed DKIM alignment (`inbound.dkim_alignment: relaxed`) over libpsl.
        .target(name: "PublicSuffixPSL", dependencies: ["RolloutCore", "CPSL"]),
        // MIME parsing (and later building) over GMime 3; HTML-only mail read through libxml2's HTML parser.
        .target(name: "MailGMime", dependencies: ["RolloutCore", "RolloutGateway", "CGMime", "CLibXML2"]),
        // SMTP (and later IMAP) over libcurl.
        .target(
            name: "MailCurl",
            dependencies: ["RolloutGateway", "CCurl", .product(name: "Logging", package: "swift-log")]),
        // Maildir delivery and reading (the embedded default's mail in and out).
        .target(name: "MailMaildir", dependencies: ["RolloutGateway"]),
        // Beta downtimes from GOCDB's public read API: HTTP through libcurl (MailCurl), XML through libxml2.
        .target(name: "DowntimesGOCDB", dependencies: ["RolloutGateway", "MailCurl", "CLibXML2"]),
        // People and groups from the SSO directory (issue 22) over OpenLDAP's libldap.
        .target(name: "DirectoryLDAP", dependencies: ["RolloutCore", "RolloutGateway", "CLDAP"]),
        // ZIP archives (the report bundle of step 9) through ZIPFoundation.
        .target(
            name: "ArchiveZIP",
            dependencies: ["RolloutGateway", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        // The ticket in a browser (`serve`): Hummingbird 2 routes over the same services as the CLI and the mail.
        .target(
            name: "WebView",
            dependencies: [
                "RolloutCore", "RolloutGateway",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            resources: [.embedInCode("Templates")]
        ),
        // The command-line tool: composition root only.
        .executableTarget(
            name: "rollout-gateway",
            dependencies: [
                "RolloutCore", "RolloutGateway", "StoreSQLite", "StoreMemory", "StorePostgres", "MailMaildir", "MailGMime", "MailCurl",
                "PublicSuffixPSL", "ArchiveZIP", "DowntimesGOCDB", "DirectoryLDAP", "SignatureSMIME", "SignatureOpenPGP", "WebView",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks that print figures (run by the scripts in benchmarks/).
        .executableTarget(
            name: "rollout-bench",
            dependencies: ["RolloutCore", "RolloutGateway", "StoreSQLite", "MailMaildir", "MailGMime", "MailCurl"]),
        // authres_oracle.py: the independent Authentication-Results reader the differential test runs.
        .testTarget(name: "RolloutCoreTests", dependencies: ["RolloutCore", "TestSupport"], exclude: ["authres_oracle.py"]),
        .testTarget(
            name: "RolloutGatewayTests",
            dependencies: [
                "RolloutCore", "RolloutGateway", "StoreSQLite", "StoreMemory", "MailMaildir", "MailGMime", "TestSupport",
                .product(name: "InMemoryLogging", package: "swift-log"), .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Mail in end to end: GMime parsing, reply reading, classification and the store, over the fixture corpus;
        // the web view over the same world (the same actions by mail and by form).
        // Signed mail (issue 23) too: make-test-ca.sh makes a test CA with the openssl CLI.
        .testTarget(
            name: "IngestTests",
            dependencies: [
                "RolloutCore", "RolloutGateway", "StoreSQLite", "MailGMime", "MailMaildir", "TestSupport", "ArchiveZIP",
                "SignatureSMIME", "SignatureOpenPGP", "WebView", .product(name: "InMemoryLogging", package: "swift-log"),
            ],
            exclude: ["make-test-ca.sh", "make-test-keys.sh"]),
        .testTarget(name: "MailGMimeTests", dependencies: ["MailGMime", "RolloutCore", "CGMime", "TestSupport"]),
        .testTarget(name: "PublicSuffixPSLTests", dependencies: ["PublicSuffixPSL", "RolloutCore"]),
        // Tests against real servers on loopback (smtp-sink, aiosmtpd, Dovecot, PostgreSQL), started by Tests/servers.
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "MailCurl", "MailGMime", "RolloutCore", "RolloutGateway", "StoreSQLite", "StorePostgres", "MailMaildir",
                "PostgresTestServer", "TestSupport", "DowntimesGOCDB", "DirectoryLDAP", "StoreMemory",
            ]),
        // A real PostgreSQL for the tests (initdb + pg_ctl on loopback, one per test run).
        .target(name: "PostgresTestServer", dependencies: ["RolloutGateway", "TestSupport"], path: "Tests/PostgresTestServer"),
        // What several test targets share: a clock the test sets, a free port on loopback, a store's canonical dump.
        .target(
            name: "TestSupport", dependencies: ["RolloutGateway", .product(name: "Crypto", package: "swift-crypto")],
            path: "Tests/TestSupport"),
        // The store conformance suite: one set of tests that every store driver passes.
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "RolloutCore", "RolloutGateway", "StoreSQLite", "StoreMemory", "StorePostgres", "MailGMime", "PostgresTestServer", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// Coverage-guided fuzz targets (Fuzz/, issue 13): declared only when scripts/fuzz.sh builds them
// (ROLLOUT_FUZZ=1, -sanitize=fuzzer,address), so that ordinary builds and tests never see them.
if Context.environment["ROLLOUT_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("MIME", ["MailGMime", "RolloutCore"]),
        ("ReplyText", ["RolloutCore"]),
        ("CommandGrammar", ["RolloutCore"]),
        ("AuthenticationResults", ["RolloutCore"]),
        ("IMAPResponses", ["MailCurl"]),
        ("Configuration", ["RolloutGateway"]),
        ("Templates", ["RolloutGateway", "MailGMime", "RolloutCore"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    for target in fuzzTargets {
        package.targets.append(
            .executableTarget(
                name: "Fuzz\(target.name)", dependencies: target.dependencies + ["CFuzzDriver"], path: "Fuzz/\(target.name)"))
    }
}
