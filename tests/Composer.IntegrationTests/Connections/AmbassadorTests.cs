using System.Text.RegularExpressions;
using Composer.IntegrationTests.Support;
using Docker.DotNet.Models;

namespace Composer.IntegrationTests.Connections;

/// <summary>
/// Pattern 7: examples/ambassador. A consumer loops requests (bounded in count and time) while the backend is killed
/// and started again: through the ambassador none fails; straight to the backend some do. Traffic: the project's own
/// containers. Across real engines: Hosts/MultiHostTests.
/// </summary>
public class AmbassadorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Through_the_ambassador_a_backend_restart_is_a_delay_and_straight_to_the_backend_it_is_an_error()
    {
        await Examples.RunBuildScriptAsync("ambassador");
        await using var project = await Examples.CopyAsync("ambassador", "amb");
        await project.RunOkAsync(new Dictionary<string, string>(), "up", "-d");

        var through = await LoopAcrossRestartAsync(project, project, "backend-ambassador:80", "/tmp/through.log",
            backendDown: () => Eventually.Until(() => project.LogsAsync("backend-ambassador"), l => l.Contains("retry"), "the ambassador to hold a connection while the backend is down", Deadline));
        through.Fail.Should().Be(0, "the ambassador turns the restart into a delay");
        through.Ok.Should().BeGreaterThan(10);

        var direct = await LoopAcrossRestartAsync(project, project, "backend:80", "/tmp/direct.log",
            backendDown: () => Eventually.Until(() => ReadLog(project, "consumer", "/tmp/direct.log"), l => l.Contains("fail"), "a direct request to fail while the backend is down", Deadline));
        direct.Fail.Should().BeGreaterThan(0, "without the ambassador the consumer sees the restart as errors");
    }

    /// <summary>
    /// Starts the loop in the consumer, kills the backend once requests go through, waits for <paramref name="backendDown"/>
    /// (proof a request met the outage), starts the backend, lets requests succeed again, then stops the loop.
    /// </summary>
    private static async Task<(int Ok, int Fail)> LoopAcrossRestartAsync(TestProject consumerProject, TestProject backendProject, string target, string log, Func<Task> backendDown)
    {
        var docker = await Engine.ClientAsync();
        (await consumerProject.ExecAsync("consumer", "sh", "-c", $"sh /loop.sh {target} 3000 {log} >/dev/null 2>&1 &")).ExitCode.Should().Be(0);
        await Eventually.Until(() => ReadLog(consumerProject, "consumer", log), l => Count(l, "ok") >= 5, "requests to go through", Deadline);

        await docker.Containers.KillContainerAsync(backendProject.ContainerName("backend"), new ContainerKillParameters());
        await backendDown();
        await docker.Containers.StartContainerAsync(backendProject.ContainerName("backend"), new ContainerStartParameters());
        var before = Count(await ReadLog(consumerProject, "consumer", log), "ok");
        await Eventually.Until(() => ReadLog(consumerProject, "consumer", log), l => Count(l, "ok") >= before + 10, "requests to go through after the restart", Deadline);

        await consumerProject.ExecAsync("consumer", "touch", log + ".stop");
        var done = await Eventually.Until(() => ReadLog(consumerProject, "consumer", log), l => l.Contains("done"), "the loop to end", Deadline);
        var m = Regex.Match(done, @"done ok=(\d+) fail=(\d+)");
        m.Success.Should().BeTrue(done);
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    private static async Task<string> ReadLog(TestProject project, string service, string path) =>
        (await project.ExecAsync(service, "cat", path)).Output;

    private static int Count(string log, string word) => log.Split('\n').Count(l => l.StartsWith(word + " ", StringComparison.Ordinal));
}
