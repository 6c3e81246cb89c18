using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>
/// Issue 15 (Docker CLI plugin): scripts/install-plugin.sh, then `docker composer …` through every docker client on
/// the machine (the 28.x one and Debian's 20.10). DOCKER_CONFIG points at a directory of the test's own, so the
/// user's ~/.docker is never touched.
/// </summary>
public class DockerPluginTests
{
    private static readonly string[] Clients = ["/usr/local/bin/docker", "/usr/bin/docker"];

    [Fact]
    public async Task Docker_composer_runs_up_ps_and_down_through_each_docker_client()
    {
        var clients = Clients.Where(File.Exists).ToList();
        clients.Should().NotBeEmpty("the docker CLI is part of the machine (scripts/engine.sh installs Debian's)");
        var dir = Processes.TempDirectory("plugin");
        try
        {
            var config = Path.Combine(dir, "docker-config");
            var env = new Dictionary<string, string?> { ["DOCKER_CONFIG"] = config };
            var install = await Processes.RunAsync("bash", [Path.Combine(Examples.RepoRoot, "scripts", "install-plugin.sh"), Processes.ComposerCommandIn(dir)], dir, env);
            install.ExitCode.Should().Be(0, install.ToString());
            File.Exists(Path.Combine(config, "cli-plugins", "docker-composer")).Should().BeTrue();

            foreach (var docker in clients)
            {
                await using var project = await TestProject.CreateAsync("plugin", """
                    services:
                      db:
                        image: composer-busybox:1
                        init: true
                        command: ["sleep", "2147483647"]
                    """);
                var help = await Processes.RunAsync(docker, ["--help"], project.Directory, env);
                help.Stdout.Should().MatchRegex(@"composer\*?\s+Composer: run Compose projects", $"{docker} lists the plugin from its metadata");

                var up = await Processes.RunAsync(docker, ["composer", "-p", project.Name, "up", "-d"], project.Directory, env);
                up.ExitCode.Should().Be(0, $"{docker}: {up}");
                (await project.InspectAsync("db")).State.Running.Should().BeTrue();

                var ps = await Processes.RunAsync(docker, ["composer", "-p", project.Name, "ps"], project.Directory, env);
                ps.ExitCode.Should().Be(0, ps.ToString());
                ps.Stdout.Should().Contain(project.ContainerName("db"));

                var down = await Processes.RunAsync(docker, ["composer", "-p", project.Name, "down", "-t", "0"], project.Directory, env);
                down.ExitCode.Should().Be(0, down.ToString());
                (await project.ContainersAsync()).Should().BeEmpty();
            }
        }
        finally
        {
            Processes.TryDelete(dir);
        }
    }
}
