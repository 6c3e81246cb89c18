using Composer.Core.Loading;

namespace Composer.Core.Tests.Loading;

/// <summary>
/// Commands that act on existing containers (ps, logs, stop, down…) and build/pull load the file without reading
/// env_files, as Compose's <c>WithDiscardEnvFile</c>: a missing or broken one is no error for them.
/// </summary>
public class EnvFileDiscardTests
{
    private const string File = "services:\n  web:\n    image: busybox\n  broken:\n    image: busybox\n    env_file: [./missing.env, ./bad.env]\n";

    private static LoadResult Load(bool discard, params string[] services) =>
        new ProjectLoader(new MemoryFileSource(new Dictionary<string, string>
        {
            [$"{LoaderFixture.Root}/compose.yaml"] = File,
            [$"{LoaderFixture.Root}/bad.env"] = "A=\"unterminated\n",
        })).Load(new ProjectOptions { WorkingDirectory = LoaderFixture.Root, DiscardEnvFiles = discard, SelectedServices = [.. services] });

    [Fact]
    public void Discarded_env_files_are_neither_read_nor_required()
    {
        var result = Load(discard: true);
        result.Success.Should().BeTrue(LoaderFixture.Format(result.Diagnostics));
        result.Project!.Services["broken"].Environment.Should().BeEmpty();
    }

    [Fact]
    public void Up_of_all_services_still_requires_every_env_file_and_up_of_one_only_its_own()
    {
        LoaderFixture.Format(Load(discard: false).Diagnostics).Should().Contain("missing.env not found");
        Load(discard: false, "web").Success.Should().BeTrue();
    }
}
