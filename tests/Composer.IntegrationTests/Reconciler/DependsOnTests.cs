using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>depends_on conditions, required: false, and up --wait on the real engine.</summary>
public class DependsOnTests
{
    /// <summary>A service body that runs until stopped; insert it at the service's indentation (4 spaces).</summary>
    private const string Sleeper = "image: composer-busybox:1\n    init: true\n    command: [\"sleep\", \"2147483647\"]";

    private static DateTime Time(string value) => DateTime.Parse(value, null, System.Globalization.DateTimeStyles.RoundtripKind).ToUniversalTime();

    [Fact]
    public async Task Service_started_starts_the_dependency_first()
    {
        await using var project = await TestProject.CreateAsync("dstarted", $$"""
            services:
              db:
                {{Sleeper}}
              app:
                {{Sleeper}}
                depends_on:
                  db: { condition: service_started }
            """);
        await project.RunOkAsync("up", "-d");
        var db = await project.InspectAsync("db");
        var app = await project.InspectAsync("app");
        app.State.Running.Should().BeTrue();
        Time(app.State.StartedAt).Should().BeOnOrAfter(Time(db.State.StartedAt));
    }

    [Fact]
    public async Task Service_healthy_waits_for_the_healthcheck_from_the_file()
    {
        await using var project = await TestProject.CreateAsync("dhealthy", $$"""
            services:
              db:
                image: composer-busybox:1
                init: true
                command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 2147483647"]
                healthcheck:
                  test: ["CMD-SHELL", "test -f /tmp/ready"]
                  interval: 300ms
                  timeout: 2s
                  retries: 20
              app:
                {{Sleeper}}
                depends_on:
                  db: { condition: service_healthy }
            """);
        var result = await project.RunOkAsync("up", "-d");
        result.Stderr.Should().Contain($"Container {project.ContainerName("db")}  Healthy");
        var db = await project.InspectAsync("db");
        var app = await project.InspectAsync("app");
        db.State.Health.Status.Should().Be("healthy");
        var firstHealthy = db.State.Health.Log.Where(l => l.ExitCode == 0).Min(l => l.End);
        Time(app.State.StartedAt).Should().BeOnOrAfter(firstHealthy.ToUniversalTime(), "app starts only once db is healthy");
    }

    [Fact]
    public async Task Service_healthy_uses_the_healthcheck_of_the_image()
    {
        var client = await Engine.ClientAsync();
        var image = $"composer-it-health:{Guid.NewGuid().ToString("n")[..8]}";
        var baseContainer = await client.Containers.CreateContainerAsync(new CreateContainerParameters { Image = Engine.BusyboxImage, Cmd = ["true"] });
        try
        {
            var (repo, tag) = (image.Split(':')[0], image.Split(':')[1]);
            await client.Images.CommitContainerChangesAsync(new CommitContainerChangesParameters
            {
                ContainerID = baseContainer.ID, RepositoryName = repo, Tag = tag,
                Cmd = ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 2147483647"],
                Healthcheck = new HealthcheckConfig { Test = ["CMD-SHELL", "test -f /tmp/ready"], Interval = TimeSpan.FromMilliseconds(300), Retries = 20 },
            });
            await using var project = await TestProject.CreateAsync("dimghealth", $$"""
                services:
                  db:
                    image: {{image}}
                    init: true
                  app:
                    {{Sleeper}}
                    depends_on:
                      db: { condition: service_healthy }
                """);
            await project.RunOkAsync("up", "-d");
            var db = await project.InspectAsync("db");
            db.State.Health.Status.Should().Be("healthy");
            var firstHealthy = db.State.Health.Log.Where(l => l.ExitCode == 0).Min(l => l.End);
            Time((await project.InspectAsync("app")).State.StartedAt).Should().BeOnOrAfter(firstHealthy.ToUniversalTime());
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(baseContainer.ID, new ContainerRemoveParameters { Force = true });
            try { await client.Images.DeleteImageAsync(image, new ImageDeleteParameters { Force = true }); } catch (global::Docker.DotNet.DockerApiException) { }
        }
    }

    [Fact]
    public async Task Service_completed_successfully_runs_the_job_to_completion_first()
    {
        await using var project = await TestProject.CreateAsync("dcompleted", $$"""
            services:
              migrate:
                image: composer-busybox:1
                command: ["sh", "-c", "echo migrated"]
              app:
                {{Sleeper}}
                depends_on:
                  migrate: { condition: service_completed_successfully }
            """);
        await project.RunOkAsync("up", "-d");
        var job = await project.InspectAsync("migrate");
        job.State.ExitCode.Should().Be(0);
        var app = await project.InspectAsync("app");
        app.State.Running.Should().BeTrue();
        Time(app.State.StartedAt).Should().BeOnOrAfter(Time(job.State.FinishedAt));
    }

    [Fact]
    public async Task A_dependency_that_exits_1_fails_its_dependent_with_exit_1_and_independent_branches_finish()
    {
        await using var project = await TestProject.CreateAsync("dexit1", $$"""
            services:
              migrate:
                image: composer-busybox:1
                command: ["sh", "-c", "exit 1"]
              app:
                {{Sleeper}}
                depends_on:
                  migrate: { condition: service_completed_successfully }
              other:
                {{Sleeper}}
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("service \"migrate\" didn't complete successfully: exit 1");
        result.Stderr.Should().Contain("not started because a dependency failed: app");
        (await project.InspectAsync("app")).State.Status.Should().Be("created");
        (await project.InspectAsync("other")).State.Running.Should().BeTrue();
    }

    [Fact]
    public async Task A_dependency_that_never_becomes_healthy_fails_with_exit_1_and_independent_branches_finish()
    {
        await using var project = await TestProject.CreateAsync("dunhealthy", $$"""
            services:
              db:
                {{Sleeper}}
                healthcheck:
                  test: ["CMD", "false"]
                  interval: 300ms
                  retries: 2
              app:
                {{Sleeper}}
                depends_on:
                  db: { condition: service_healthy }
              other:
                {{Sleeper}}
            """);
        var result = await project.RunAsync("up", "-d");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain($"dependency failed to start: container {project.ContainerName("db")} is unhealthy");
        (await project.InspectAsync("app")).State.Status.Should().Be("created");
        (await project.InspectAsync("other")).State.Running.Should().BeTrue();
    }

    [Fact]
    public async Task An_optional_dependency_that_fails_does_not_block_its_dependent()
    {
        await using var project = await TestProject.CreateAsync("doptional", $$"""
            services:
              migrate:
                image: composer-busybox:1
                command: ["sh", "-c", "exit 3"]
              app:
                {{Sleeper}}
                depends_on:
                  migrate: { condition: service_completed_successfully, required: false }
            """);
        var result = await project.RunOkAsync("up", "-d");
        result.Stderr.Should().Contain("optional dependency \"migrate\"").And.Contain("exit 3");
        (await project.InspectAsync("app")).State.Running.Should().BeTrue();
        (await project.InspectAsync("migrate")).State.ExitCode.Should().Be(3);
    }

    [Fact]
    public async Task Up_wait_returns_once_every_service_is_healthy_or_running()
    {
        await using var project = await TestProject.CreateAsync("dwait", $$"""
            services:
              db:
                image: composer-busybox:1
                init: true
                command: ["sh", "-c", "sleep 1; touch /tmp/ready; exec sleep 2147483647"]
                healthcheck:
                  test: ["CMD-SHELL", "test -f /tmp/ready"]
                  interval: 300ms
                  retries: 20
              web:
                {{Sleeper}}
            """);
        await project.RunOkAsync("up", "--wait");
        (await project.InspectAsync("db")).State.Health.Status.Should().Be("healthy");
        (await project.InspectAsync("web")).State.Running.Should().BeTrue();
    }

    [Fact]
    public async Task Up_wait_timeout_fails_with_exit_1_when_a_service_stays_unhealthy()
    {
        await using var project = await TestProject.CreateAsync("dwaitto", $$"""
            services:
              db:
                {{Sleeper}}
                healthcheck:
                  test: ["CMD", "false"]
                  interval: 300ms
                  start_period: 10m
            """);
        var result = await project.RunAsync("up", "--wait", "--wait-timeout", "2");
        result.ExitCode.Should().Be(1, result.ToString());
        result.Stderr.Should().Contain("application not healthy after 0:00:02");
        (await project.InspectAsync("db")).State.Health.Status.Should().Be("starting");
    }
}
