using System.Collections.Immutable;
using Composer.Core.Diagnostics;
using Composer.Core.Loading;

namespace Composer.Core.Tests;

/// <summary>
/// Runs every case under <c>tests/fixtures/loader</c>. Set <c>UPDATE_GOLDENS=1</c> to rewrite the expected files from
/// the current output, then review each change by eye: a golden is what Docker Compose would produce, not whatever
/// the code prints.
/// </summary>
public sealed class LoaderFixtureTests
{
    private static readonly bool Update = Environment.GetEnvironmentVariable("UPDATE_GOLDENS") == "1";

    public static TheoryData<string> Cases() => [.. LoaderFixture.Names()];

    /// <summary>The cases that load (they have an expected config); a failing case has no printed model to reload.</summary>
    public static TheoryData<string> PassingCases() =>
        [.. LoaderFixture.Names().Where(n => File.Exists(Path.Combine(LoaderFixture.FixturesDirectory, n, "expected.yaml")))];

    [Fact]
    public void There_are_at_least_a_hundred_cases() => LoaderFixture.Names().Should().HaveCountGreaterThanOrEqualTo(100);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fixture_loads_to_its_golden(string name)
    {
        var fixture = LoaderFixture.Read(name);
        var result = fixture.Load();
        var expectedYaml = Path.Combine(fixture.Directory, "expected.yaml");
        var expectedErrors = Path.Combine(fixture.Directory, "expected-errors.txt");
        var expectedWarnings = Path.Combine(fixture.Directory, "expected-warnings.txt");
        var errors = LoaderFixture.Format(result.Diagnostics.Where(d => d.Severity == Severity.Error));
        var actual = result.Success ? fixture.Output(result.Project!) : errors;
        var golden = result.Success ? expectedYaml : expectedErrors;

        if (Update)
        {
            File.Delete(result.Success ? expectedErrors : expectedYaml);
            File.WriteAllText(golden, actual);
            var warnings = LoaderFixture.Format(result.Diagnostics.Where(d => d.Severity == Severity.Warning));
            if (warnings.Length > 0) File.WriteAllText(expectedWarnings, warnings);
            else File.Delete(expectedWarnings);
        }

        File.Exists(golden).Should().BeTrue(result.Success
            ? $"the case loads, so it needs expected.yaml; the loader reported:\n{actual}"
            : $"the case fails, so it needs expected-errors.txt; errors:\n{errors}");
        actual.Should().Be(File.ReadAllText(golden));
        if (File.Exists(expectedWarnings))
            LoaderFixture.Format(result.Diagnostics.Where(d => d.Severity == Severity.Warning)).Should().Be(File.ReadAllText(expectedWarnings));
    }

    /// <summary>`composer config` output, loaded again, prints the same: the printed model is the model.</summary>
    [Theory]
    [MemberData(nameof(PassingCases))]
    public void Printed_config_reloads_to_the_same_config(string name)
    {
        var fixture = LoaderFixture.Read(name);
        var result = fixture.Load();
        result.Success.Should().BeTrue(LoaderFixture.Format(result.Diagnostics));
        var printed = fixture.Output(result.Project!);
        var path = $"{LoaderFixture.Root}/compose.yaml";
        var reloaded = new ProjectLoader(new MemoryFileSource(ImmutableDictionary<string, string>.Empty.Add(path, printed)))
            // The printed file holds only the enabled services, so every profile in it is one to enable.
            .Load(fixture.Options with { ConfigFiles = [path], EnvFiles = [], ProjectDirectory = null, WorkingDirectory = LoaderFixture.Root, Profiles = ["*"] });
        reloaded.Diagnostics.Where(d => d.Severity == Severity.Error).Should().BeEmpty($"the printed config must load:\n{printed}");
        fixture.Output(reloaded.Project!).Should().Be(printed);
    }
}
