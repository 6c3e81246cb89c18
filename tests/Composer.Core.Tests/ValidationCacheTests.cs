using Composer.Core.Diagnostics;
using Composer.Core.Loading;
using Composer.Core.Loading.Yaml;
using Composer.Core.Tests.TestSupport;

namespace Composer.Core.Tests;

public sealed class ValidationCacheTests
{
    private sealed class RecordingCache : IValidationCache
    {
        public HashSet<string> Known { get; } = [];
        public List<string> Asked { get; } = [];
        public bool Contains(string fingerprint) { Asked.Add(fingerprint); return Known.Contains(fingerprint); }
        public void Add(string fingerprint) => Known.Add(fingerprint);
    }

    private const string Valid = "services:\n  web:\n    image: composer-busybox:1\n";
    private const string Invalid = "services:\n  web:\n    image: composer-busybox:1\n    restart: 3\n";
    // The fast path does not judge a float among unique items: NJsonSchema validates this document, and passes it.
    private const string ValidBeyondTheFastPath = "services:\n  web:\n    image: composer-busybox:1\n    group_add: [1000.5]\n";

    private static LoadResult Load(string yaml, IValidationCache cache) =>
        new ProjectLoader(new MemoryFileSource(new Dictionary<string, string> { ["/p/compose.yaml"] = yaml }), cache)
            .Load(new ProjectOptions { WorkingDirectory = "/p" });

    /// <summary>The fingerprint of a file's document as the loader validates it (parsed, interpolated, cast).</summary>
    private static string FingerprintOf(string yaml)
    {
        var bag = new DiagnosticBag();
        var document = (YMapping)YamlReader.Parse(yaml, "/p/compose.yaml", bag)!;
        document = TypeCasts.Apply((YMapping)YamlTransforms.Interpolate(document, _ => null, bag), bag);
        bag.HasErrors.Should().BeFalse();
        return ValidationFingerprint.Of(document);
    }

    [Fact]
    public void A_document_the_fast_path_passes_is_neither_looked_up_nor_remembered()
    {
        // The fast path costs less than the fingerprint and passes the same document again next time: a record is of no use.
        var cache = new RecordingCache();
        Load(Valid, cache).Success.Should().BeTrue();
        cache.Asked.Should().BeEmpty();
        cache.Known.Should().BeEmpty();
    }

    [Fact]
    public void A_valid_document_is_remembered_and_not_validated_again()
    {
        var cache = new RecordingCache();
        Load(ValidBeyondTheFastPath, cache).Success.Should().BeTrue();
        cache.Known.Should().ContainSingle().Which.Should().MatchRegex("^[0-9a-f]{64}$");
        Load(ValidBeyondTheFastPath, cache).Success.Should().BeTrue();
        cache.Asked.Should().HaveCount(2).And.OnlyContain(f => f == cache.Known.Single());

        // Trusting the record is what saves the time: had the validator run, this document would fail.
        var invalidFingerprint = new RecordingCache();
        Load(Invalid, invalidFingerprint);
        cache.Known.Add(invalidFingerprint.Asked.Single());
        Load(Invalid, cache).Diagnostics.Should().NotContain(d => d.Code.StartsWith("schema.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invalid_document_is_never_remembered_and_reports_its_errors_every_time()
    {
        var cache = new RecordingCache();
        for (var i = 0; i < 2; i++)
            Load(Invalid, cache).Diagnostics.Should().Contain(d => d.Code == "schema.type");
        cache.Asked.Should().HaveCount(2);
        cache.Known.Should().BeEmpty();
    }

    [Theory]
    [InlineData("services:\n  web:\n    image: composer-busybox:1\n    restart: \"3\"\n", "services:\n  web:\n    image: composer-busybox:1\n    restart: 3\n")]
    [InlineData("services:\n  web:\n    image: a\n", "services:\n  web:\n    image: b\n")]
    [InlineData("services:\n  web:\n    command: [a, b]\n", "services:\n  web:\n    command: [ab]\n")]
    [InlineData("services:\n  ab:\n    image: x\n", "services:\n  a:\n    bimage: x\n")]
    public void Documents_the_schema_sees_differently_have_different_fingerprints(string one, string other) =>
        FingerprintOf(one).Should().NotBe(FingerprintOf(other));

    [Fact]
    public void Layout_and_comments_do_not_change_the_fingerprint() =>
        FingerprintOf("services:\n  web:\n    image: composer-busybox:1\n")
            .Should().Be(FingerprintOf("# the web tier\nservices: {web: {image: 'composer-busybox:1'}}\n"));
}
