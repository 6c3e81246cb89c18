using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Reliability;

/// <summary>
/// Issue 12, case 8: a relinked consumer is replaced without waiting for the stale one's grace period (renamed out
/// of the way, stopped in the background), unless both publish the same host port, which the incident line says.
/// </summary>
public class RelinkTests
{
    private static string Compose(string consumerPorts = "") => $$"""
        services:
          db:
            image: composer-busybox:1
            init: true
            command: ["sh", "-c", "echo backend > /tmp/index.html && exec httpd -f -p 80 -h /tmp"]
            expose: ["80"]
          app:
            image: composer-busybox:1
            # no init: sleep as pid 1 ignores SIGTERM, so a stop waits the whole grace period
            command: ["sleep", "2147483647"]
            links: ["db:database"]
            {{consumerPorts}}
        """;

    private static async Task<string> SquatAsync(TestProject project)
    {
        // Another container on the project network, started at once: it may take the removed backend's address.
        var client = await Engine.ClientAsync();
        var squatter = await client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Image = Engine.BusyboxImage, Name = $"{project.Name}-squatter",
            Cmd = ["sh", "-c", "echo squatter > /tmp/index.html && exec httpd -f -p 80 -h /tmp"],
            HostConfig = new HostConfig { NetworkMode = $"{project.Name}_default", Init = true },
        });
        await client.Containers.StartContainerAsync(squatter.ID, new ContainerStartParameters());
        return squatter.ID;
    }

    private static async Task<IList<ContainerListResponse>> AppContainersAsync(TestProject project) =>
        [.. (await project.ContainersAsync()).Where(c => c.Labels["com.docker.compose.service"] == "app")];

    [Fact]
    public async Task A_relinked_consumer_without_init_is_replaced_first_and_the_stale_one_retired_in_the_background()
    {
        await using var project = await TestProject.CreateAsync("relinkfast", Compose());
        await project.RunOkAsync("up", "-d");
        var oldApp = await project.InspectAsync("app");
        await using var watch = await BackgroundComposer.WatchAsync(project);
        var client = await Engine.ClientAsync();
        await client.Containers.RemoveContainerAsync(project.ContainerName("db"), new ContainerRemoveParameters { Force = true });
        var squatter = await SquatAsync(project);
        try
        {
            var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
            incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("app"));
            incident.GetProperty("notes").EnumerateArray().Should().BeEmpty();
            var newApp = await project.InspectAsync("app");
            newApp.ID.Should().NotBe(oldApp.ID);
            newApp.State.Running.Should().BeTrue();
            (await project.ExecAsync("app", "sh", "-c", "wget -qO- http://$DATABASE_PORT_80_TCP_ADDR/")).Output.Should().Contain("backend");
            // The stale consumer had its grace period elsewhere, under its temporary name, and is gone afterwards.
            await Eventually.Until(() => AppContainersAsync(project), list => list.Count == 1, "the stale consumer to be removed");
            (await AppContainersAsync(project)).Single().ID.Should().Be(newApp.ID);
        }
        finally { await client.Containers.RemoveContainerAsync(squatter, new ContainerRemoveParameters { Force = true }); }
    }

    [Fact]
    public async Task A_relinked_consumer_that_publishes_a_host_port_stops_first_and_the_incident_says_so()
    {
        var port = 20000 + Random.Shared.Next(20000);
        await using var project = await TestProject.CreateAsync("relinkport", Compose($"ports: [\"{port}:80\"]"));
        await project.RunOkAsync("up", "-d");
        await using var watch = await BackgroundComposer.WatchAsync(project);
        var client = await Engine.ClientAsync();
        await client.Containers.RemoveContainerAsync(project.ContainerName("db"), new ContainerRemoveParameters { Force = true });

        var incident = await watch.NextIncidentAsync(project.ContainerName("db"));
        incident.GetProperty("relinked").EnumerateArray().Select(e => e.GetString()).Should().Contain(project.ContainerName("app"));
        incident.GetProperty("notes").EnumerateArray().Select(e => e.GetString()).Should()
            .ContainSingle().Which.Should().Contain("stopped before its replacement started").And.Contain($"{port}/tcp");
        (await project.InspectAsync("app")).State.Running.Should().BeTrue();
        (await AppContainersAsync(project)).Should().ContainSingle();
    }
}
