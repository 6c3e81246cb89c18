using System.Net.Http;
using Composer.IntegrationTests.Support;
using Composer.Testing;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>
/// Issue 15 (a library for tests): Composer.Testing used as a test uses it, against the real engine. A busybox httpd
/// with a published port, a healthcheck, a named and an anonymous volume.
/// </summary>
public class TestingLibraryTests : IDisposable
{
    private const string Compose = """
        services:
          web:
            image: composer-busybox:1
            command: ["sh", "-c", "mkdir -p /www && echo hello-from-web > /www/index.html && echo web-started && exec httpd -f -p 8080 -h /www"]
            ports: ["8080"]
            healthcheck:
              test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]
              interval: 1s
              retries: 30
            volumes: ["data:/data", "/scratch"]
          quiet:
            image: composer-busybox:1
            command: ["sleep", "600"]
        volumes:
          data: {}
        """;

    private readonly string _dir = Processes.TempDirectory("testing-lib");
    private readonly string _project = "testing-lib-" + Guid.NewGuid().ToString("n")[..8];

    private string ComposeFile
    {
        get
        {
            var path = Path.Combine(_dir, "compose.yaml");
            if (!File.Exists(path)) File.WriteAllText(path, Compose);
            return path;
        }
    }

    public void Dispose()
    {
        Engine.RemoveProjectAsync(_project).GetAwaiter().GetResult();
        Processes.TryDelete(_dir);
    }

    [Fact]
    public async Task Up_waits_for_health_then_endpoint_logs_and_exec_work_and_dispose_removes_everything()
    {
        await Engine.ClientAsync();
        string anonymousVolume;
        await using (var app = await ComposeProject.UpAsync(ComposeFile, new ComposeProjectOptions { ProjectName = _project }))
        {
            app.Name.Should().Be(_project);
            var client = await Engine.ClientAsync();
            var web = (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = Engine.ProjectFilter(_project) }))
                .Single(c => c.Labels["com.docker.compose.service"] == "web");
            web.Status.Should().Contain("(healthy)", "UpAsync waits as up --wait does");
            anonymousVolume = web.Mounts.Single(m => m.Destination == "/scratch").Name!;

            var endpoint = await app.EndpointAsync("web", 8080);
            endpoint.Host.Should().Be("127.0.0.1");
            using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
                (await http.GetStringAsync(endpoint.ToUri())).Trim().Should().Be("hello-from-web");

            // Not published: the container's own address, which the test process reaches on Linux.
            var quiet = await app.EndpointAsync("quiet", 1234);
            quiet.Port.Should().Be(1234);
            System.Net.IPAddress.Parse(quiet.Host).AddressFamily.Should().Be(System.Net.Sockets.AddressFamily.InterNetwork);

            (await app.LogsAsync("web")).Should().Contain("web-started\n");

            var ok = await app.ExecAsync("web", "sh", "-c", "cat /www/index.html; echo oops >&2");
            ok.ExitCode.Should().Be(0);
            ok.Stdout.Should().Be("hello-from-web\n");
            ok.Stderr.Should().Be("oops\n");
            (await app.ExecAsync("web", "sh", "-c", "exit 3")).ExitCode.Should().Be(3);

            await FluentActions.Awaiting(() => app.LogsAsync("nope")).Should().ThrowAsync<ArgumentException>().WithMessage("*no such service: nope*");
        }

        await NoLabelledResourcesAsync();
        var volumes = await (await Engine.ClientAsync()).Volumes.ListAsync(new VolumesListParameters());
        (volumes.Volumes ?? []).Select(v => v.Name).Should().NotContain(anonymousVolume, "the anonymous volume goes with its container");
    }

    [Fact]
    public async Task Dispose_after_a_failing_test_still_removes_the_project()
    {
        await Engine.ClientAsync();
        var failing = async () =>
        {
            await using var app = await ComposeProject.UpAsync(ComposeFile, new ComposeProjectOptions { ProjectName = _project });
            (await app.ExecAsync("quiet", "true")).ExitCode.Should().Be(0);
            throw new InvalidOperationException("the test failed here");
        };
        await failing.Should().ThrowAsync<InvalidOperationException>().WithMessage("the test failed here");
        await NoLabelledResourcesAsync();
    }

    [Fact]
    public async Task A_service_that_never_gets_healthy_fails_up_and_leaves_nothing()
    {
        await Engine.ClientAsync();
        var path = Path.Combine(_dir, "sick.yaml");
        await File.WriteAllTextAsync(path, """
            services:
              sick:
                image: composer-busybox:1
                command: ["sleep", "600"]
                healthcheck: { test: ["CMD", "false"], interval: 1s, retries: 1 }
            """);
        var up = () => ComposeProject.UpAsync(path, new ComposeProjectOptions { ProjectName = _project, WaitTimeout = TimeSpan.FromSeconds(30) });
        (await up.Should().ThrowAsync<ComposeProjectException>()).Which.Errors.Should().NotBeEmpty();
        await NoLabelledResourcesAsync();
    }

    private async Task NoLabelledResourcesAsync()
    {
        var client = await Engine.ClientAsync();
        var filter = Engine.ProjectFilter(_project);
        (await client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter })).Should().BeEmpty();
        (await client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter })).Should().BeEmpty();
        ((await client.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? []).Should().BeEmpty("named volumes belong to the test");
    }
}
