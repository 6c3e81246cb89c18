using System.Formats.Tar;
using Composer.Core.IO;

namespace Composer.Docker.Tests;

/// <summary>.dockerignore as the engine's builder reads it, and the context tar that honours it.</summary>
public class BuildContextTests
{
    [Theory]
    [InlineData("node_modules", "node_modules", true)]
    [InlineData("node_modules", "node_modules/x/y.js", true)]
    [InlineData("*.log", "debug.log", true)]
    [InlineData("*.log", "logs/debug.log", false)]
    [InlineData("**/*.log", "logs/deep/debug.log", true)]
    [InlineData("**/*.log", "debug.log", true)]
    [InlineData("./build/", "build/out.bin", true)]
    [InlineData("src/?.txt", "src/a.txt", true)]
    [InlineData("src/?.txt", "src/ab.txt", false)]
    [InlineData("# a comment", "# a comment", false)]
    public void Patterns_match_paths_and_their_parent_directories(string pattern, string path, bool excluded) =>
        DockerIgnore.Parse(pattern).Excludes(path).Should().Be(excluded);

    [Fact]
    public void The_last_matching_rule_wins_so_an_exception_keeps_a_file()
    {
        var ignore = DockerIgnore.Parse("*.md\n!README.md\n");
        ignore.Excludes("CHANGES.md").Should().BeTrue();
        ignore.Excludes("README.md").Should().BeFalse();
        DockerIgnore.Parse("!README.md\n*.md\n").Excludes("README.md").Should().BeTrue("order matters");
    }

    [Fact]
    public async Task The_context_tar_leaves_out_what_is_ignored_but_always_keeps_the_dockerfile_and_dockerignore()
    {
        var dir = Directory.CreateTempSubdirectory("composer-docker-tests-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, ".dockerignore"), "*\n!app.txt\n");
            File.WriteAllText(Path.Combine(dir, "Dockerfile"), "FROM scratch\n");
            File.WriteAllText(Path.Combine(dir, "app.txt"), "kept");
            File.WriteAllText(Path.Combine(dir, "secret.env"), "left out");
            Directory.CreateDirectory(Path.Combine(dir, "cache"));
            File.WriteAllText(Path.Combine(dir, "cache", "blob"), "left out");

            using var tar = await BuildContext.TarAsync(dir, "Dockerfile", CancellationToken.None);
            var names = new List<string>();
            using (var reader = new TarReader(tar))
                while (reader.GetNextEntry() is { } entry) names.Add(entry.Name.TrimEnd('/'));

            names.Should().BeEquivalentTo(".dockerignore", "Dockerfile", "app.txt");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
