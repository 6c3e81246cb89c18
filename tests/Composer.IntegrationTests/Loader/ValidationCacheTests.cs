using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Loader;

/// <summary>
/// The command remembers valid files on disk (XDG_CACHE_HOME) that the schema's fast path could not pass, and never
/// remembers an invalid one.
/// </summary>
public sealed class ValidationCacheTests
{
    [Fact]
    public async Task A_valid_file_is_recorded_once_and_an_invalid_one_reports_its_error_every_time()
    {
        var root = Directory.CreateTempSubdirectory("composer-validation-cache-").FullName;
        try
        {
            var env = new Dictionary<string, string> { ["XDG_CACHE_HOME"] = Path.Combine(root, "cache") };
            var records = Path.Combine(root, "cache", "composer", "validated");
            // A file the schema's fast path passes is not recorded: the fast path is quicker than the record.
            await File.WriteAllTextAsync(Path.Combine(root, "compose.yaml"), "services:\n  web:\n    image: composer-busybox:1\n");
            (await ComposerCli.RunAsync(root, ["config", "-q"], env)).ExitCode.Should().Be(0);
            Directory.Exists(records).Should().BeFalse("a document the fast path passes is not recorded");

            // One it cannot judge (a float among unique items) goes to NJsonSchema, and is recorded once valid.
            await File.WriteAllTextAsync(Path.Combine(root, "compose.yaml"), "services:\n  web:\n    image: composer-busybox:1\n    group_add: [1000.5]\n");
            for (var i = 0; i < 2; i++)
                (await ComposerCli.RunAsync(root, ["config", "-q"], env)).ExitCode.Should().Be(0);
            Directory.GetFiles(records).Should().ContainSingle("the same document is recorded once");

            await File.WriteAllTextAsync(Path.Combine(root, "compose.yaml"), "services:\n  web:\n    image: composer-busybox:1\n    restart: 3\n");
            for (var i = 0; i < 2; i++)
            {
                var invalid = await ComposerCli.RunAsync(root, ["config", "-q"], env);
                invalid.ExitCode.Should().Be(2, invalid.ToString());
                invalid.Stderr.Should().Contain("compose.yaml:4:14: error: services.web.restart must be a string", invalid.ToString());
            }
            Directory.GetFiles(records).Should().ContainSingle("an invalid document is never recorded");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
