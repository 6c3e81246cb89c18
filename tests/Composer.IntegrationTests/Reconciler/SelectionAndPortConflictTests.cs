using System.Net;
using System.Net.Sockets;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>
/// Compose checks only what a command needs: a missing env_file of a service a command does not act on fails nothing
/// (commands on existing containers read no env_file at all), and a host port two services publish is found by the
/// engine at <c>up</c>, with a message naming both services and the port.
/// </summary>
public class SelectionAndPortConflictTests
{
    [Fact]
    public async Task Commands_on_existing_containers_do_not_fail_for_a_missing_env_file_up_of_everything_does()
    {
        await using var project = await TestProject.CreateAsync("envsel", """
            services:
              web:
                image: composer-busybox:1
                command: ["sh", "-c", "echo web-up; exec sleep 2147483647"]
              broken:
                image: composer-busybox:1
                env_file: ./missing.env
            """);
        await project.RunOkAsync("up", "-d", "web");
        (await project.RunOkAsync("ps", "web")).Stdout.Should().Contain(project.ContainerName("web"));
        (await project.RunOkAsync("ps")).Stdout.Should().Contain(project.ContainerName("web"));
        await project.RunOkAsync("logs", "web");
        await project.RunOkAsync("stop", "web");
        await project.RunOkAsync("start", "web");
        await project.RunOkAsync("restart", "web");
        await project.RunOkAsync("top", "web");

        var all = await project.RunAsync("up", "-d");
        all.ExitCode.Should().NotBe(0, all.ToString());
        all.Stderr.Should().Contain("missing.env").And.Contain("not found");
        await project.RunOkAsync("down");
        (await project.ContainersAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_host_port_published_twice_loads_and_up_names_both_services_and_the_port()
    {
        var port = FreeLoopbackPort();
        await using var project = await TestProject.CreateAsync("portdup", $$"""
            services:
              first:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                ports: ["127.0.0.1:{{port}}:80"]
              second:
                image: composer-busybox:1
                command: ["sleep", "2147483647"]
                ports: ["127.0.0.1:{{port}}:81"]
            """);
        await project.RunOkAsync("config", "-q");

        var up = await project.RunAsync("up", "-d");
        up.ExitCode.Should().Be(1, up.ToString());
        // Whichever starts second is refused by the engine; the message names it, the other one and the port.
        up.Stderr.Should().Contain($"host port {port} is also published by service").And.Contain("port is already allocated");
        up.Stderr.Should().Contain("service \"first\"").And.Contain("service \"second\"");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
