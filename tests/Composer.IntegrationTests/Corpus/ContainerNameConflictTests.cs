using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Corpus;

/// <summary>
/// docker/compose's TestUpContainerNameConflict project (corpus, byte-for-byte): two services share one container_name.
/// As with Compose, `up` of both is refused naming the conflict and creates nothing, `down` still works, and each
/// service runs alone.
/// </summary>
public sealed class ContainerNameConflictTests
{
    [Fact]
    public async Task Two_services_sharing_a_container_name_are_refused_together_and_each_runs_alone()
    {
        var source = Path.Combine(Path.GetDirectoryName(Composer.Core.Tests.LoaderFixture.FixturesDirectory)!,
            "corpus", "docker-compose", "testdata", "TestUpContainerNameConflict", "compose.yaml");
        var yaml = (await File.ReadAllTextAsync(source)).Replace("image: alpine", $"image: {Engine.BusyboxImage}", StringComparison.Ordinal);
        await using var project = await TestProject.CreateAsync("cname", yaml);
        var env = new Dictionary<string, string> { ["FIXED_NAME"] = project.Name + "-fixed" };
        Task<CliResult> Run(params string[] args) => ComposerCli.RunAsync(project.Directory, ["-p", project.Name, .. args], env);

        var both = await Run("up", "-d");
        both.ExitCode.Should().NotBe(0, both.ToString());
        both.Stderr.Should().Contain($"container name \"{project.Name}-fixed\" is already in use by service");
        (await project.ContainersAsync()).Should().BeEmpty("nothing is created when the names conflict");
        // down (like ps, logs, stop) loads the file: only commands that create containers check the names.
        var down = await Run("down");
        down.ExitCode.Should().Be(0, down.ToString());

        foreach (var service in new[] { "test", "another_test" })
        {
            var alone = await Run("up", "-d", service);
            alone.ExitCode.Should().Be(0, alone.ToString());
            var containers = await project.ContainersAsync();
            containers.Should().ContainSingle().Which.Names.Should().Contain($"/{project.Name}-fixed");
            (await Run("down")).ExitCode.Should().Be(0);
        }
    }
}
