using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, case 1: anonymous volumes (declared, or a VOLUME of the image) follow the container across every
/// recreate: up after a configuration change, watch bringing back a removed container, and watch relinking a consumer.
/// </summary>
public class AnonymousVolumeTests
{
    private static string Compose(string version) => $$"""
        services:
          app:
            image: composer-busybox:1
            init: true
            command: ["sleep", "2147483647"]
            environment: { VERSION: "{{version}}" }
            volumes: ["/data"]
          fromimage:
            build: .
            init: true
            command: ["sleep", "2147483647"]
            environment: { VERSION: "{{version}}" }
        """;

    private static readonly Dictionary<string, string> ImageWithVolume = new() { ["Dockerfile"] = "FROM composer-busybox:1\nVOLUME /idata\n" };

    private static async Task WriteAsync(TestProject project, string service, string path) =>
        (await project.ExecAsync(service, "sh", "-c", $"echo kept > {path}")).ExitCode.Should().Be(0);

    private static async Task<string> ReadAsync(TestProject project, string service, string path) =>
        (await project.ExecAsync(service, "sh", "-c", $"cat {path} 2>/dev/null || echo missing")).Output.Trim();

    [Fact]
    public async Task Data_in_anonymous_volumes_survives_a_recreate_and_renew_anon_volumes_starts_afresh()
    {
        await using var project = await TestProject.CreateAsync("anonup", Compose("1"), ImageWithVolume);
        try
        {
            await project.RunOkAsync("up", "-d");
            await WriteAsync(project, "app", "/data/f");
            await WriteAsync(project, "fromimage", "/idata/f");
            var before = await project.InspectAsync("app");

            await File.WriteAllTextAsync(Path.Combine(project.Directory, "compose.yaml"), Compose("2"));
            await project.RunOkAsync("up", "-d");
            var after = await project.InspectAsync("app");
            after.ID.Should().NotBe(before.ID, "the configuration changed");
            after.Config.Env.Should().Contain("VERSION=2");
            (await ReadAsync(project, "app", "/data/f")).Should().Be("kept");
            (await ReadAsync(project, "fromimage", "/idata/f")).Should().Be("kept");

            await File.WriteAllTextAsync(Path.Combine(project.Directory, "compose.yaml"), Compose("3"));
            await project.RunOkAsync("up", "-d", "-V");
            (await project.InspectAsync("app")).Config.Env.Should().Contain("VERSION=3");
            (await ReadAsync(project, "app", "/data/f")).Should().Be("missing");
            (await ReadAsync(project, "fromimage", "/idata/f")).Should().Be("missing");
        }
        finally { await Engine.RemoveImageAsync($"{project.Name}-fromimage"); }
    }

    [Fact]
    public async Task Data_survives_watch_bringing_back_a_removed_container_and_relinking_a_consumer()
    {
        await using var project = await TestProject.CreateAsync("anonwatch", """
            services:
              db:
                image: composer-busybox:1
                init: true
                command: ["sh", "-c", "echo backend > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
                expose: ["80"]
                volumes: ["/dbdata"]
              app:
                image: composer-busybox:1
                init: true
                command: ["sleep", "2147483647"]
                links: ["db:database"]
                volumes: ["/data"]
            """);
        await project.RunOkAsync("up", "-d");
        await WriteAsync(project, "db", "/dbdata/f");
        await WriteAsync(project, "app", "/data/f");
        var app = await project.InspectAsync("app");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        var client = await Engine.ClientAsync();
        await client.Containers.RemoveContainerAsync(project.ContainerName("db"), new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true });
        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("outcome").GetString().Should().Be("recreated");
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("app"));

        (await ReadAsync(project, "db", "/dbdata/f")).Should().Be("kept", "the removed container's anonymous volume is the new one's");
        (await project.InspectAsync("app")).ID.Should().NotBe(app.ID, "the consumer was relinked");
        (await ReadAsync(project, "app", "/data/f")).Should().Be("kept", "the relinked consumer keeps its anonymous volume");
    }
}
