using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>Two ups at once, and an up killed half-way then completed by the next.</summary>
public class ConcurrencyTests
{
    private static string Chain(string value) => $$"""
        x-svc: &svc
          image: composer-busybox:1
          init: true
          environment: { VERSION: "{{value}}" }
        services:
          a:
            <<: *svc
            command: ["sleep", "2147483647"]
          b:
            <<: *svc
            command: ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 2147483647"]
            healthcheck: { test: ["CMD-SHELL", "test -f /tmp/ready"], interval: 300ms, retries: 50 }
            depends_on: [a]
          c:
            <<: *svc
            command: ["sleep", "2147483647"]
            depends_on:
              b: { condition: service_healthy }
          d:
            <<: *svc
            command: ["sleep", "2147483647"]
            scale: 2
        """;

    private static async Task AssertConvergedAsync(TestProject project, string version)
    {
        var containers = await project.ContainersAsync();
        containers.Select(c => c.Names[0].TrimStart('/')).Order().Should().Equal(
            project.ContainerName("a"), project.ContainerName("b"), project.ContainerName("c"), project.ContainerName("d", 1), project.ContainerName("d", 2));
        containers.Should().OnlyContain(c => c.State == "running");
        foreach (var service in new[] { "a", "b", "c" })
            (await project.InspectAsync(service)).Config.Env.Should().Contain($"VERSION={version}");
    }

    [Fact]
    public async Task Two_ups_at_the_same_time_leave_exactly_one_container_per_replica()
    {
        await using var project = await TestProject.CreateAsync("conc", Chain("1"));
        await using var first = ComposerProcess.Start(project, "up", "-d");
        await using var second = ComposerProcess.Start(project, "up", "-d");
        var exits = await Task.WhenAll(first.WaitForExitAsync(), second.WaitForExitAsync());
        exits.Should().Equal([0, 0], $"first:\n{first.Output}\nsecond:\n{second.Output}");
        await AssertConvergedAsync(project, "1");
    }

    [Fact]
    public async Task An_up_killed_half_way_is_completed_by_the_next_up()
    {
        await using var project = await TestProject.CreateAsync("sigkill", Chain("1"));
        await project.RunOkAsync("up", "-d");
        File.WriteAllText(Path.Combine(project.Directory, "compose.yaml"), Chain("2"));

        // Kill while c waits for b to be healthy: c is created but not started, b is new, nothing is finished.
        await using (var up = ComposerProcess.Start(project, "up", "-d"))
        {
            await up.WaitForLineAsync(l => l.Contains($"Container {project.ContainerName("b")}  Waiting"), "c waiting for b");
            up.Kill();
            await up.WaitForExitAsync();
        }
        var half = await project.ContainersAsync();
        half.Should().Contain(c => c.State != "running" || !c.Labels.ContainsKey("io.composer.config") || !c.Labels["io.composer.config"].Contains("\"VERSION\":\"2\""),
            "the killed up left work undone");

        var next = await project.RunOkAsync("up", "-d");
        next.Stderr.Should().Contain($"Container {project.ContainerName("c")}  Started");
        await AssertConvergedAsync(project, "2");
        (await project.RunOkAsync("plan")).Stdout.Should().Be("nothing to do\n");
    }
}
