using System.Collections.Immutable;
using Composer.Core.Loading;
using Composer.Core.Model;

namespace Composer.Core.Tests.TestSupport;

public static class TestProjects
{
    public const string Directory = "/work/demo";

    /// <summary>Loads a compose file from text as project "demo"; fails the test with the diagnostics if it is invalid.</summary>
    public static Project Load(string yaml, string name = "demo")
    {
        var result = LoadResult(yaml, name);
        result.Success.Should().BeTrue(string.Join("\n", result.Diagnostics));
        return result.Project!;
    }

    public static LoadResult LoadResult(string yaml, string? name = "demo", IReadOnlyDictionary<string, string>? env = null)
    {
        var files = new MemoryFileSource(new Dictionary<string, string> { [$"{Directory}/compose.yaml"] = yaml });
        return new ProjectLoader(files).Load(new ProjectOptions
        {
            WorkingDirectory = Directory,
            ProjectName = name,
            Environment = env ?? ImmutableDictionary<string, string>.Empty,
        });
    }
}
