using System.Text.RegularExpressions;
using Composer.IntegrationTests.Connections;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Watch;

/// <summary>Watch and ambassadors together: watch brings the backend back, the ambassador hides the gap.</summary>
public class WatchAmbassadorTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_consumer_looping_through_an_ambassador_sees_no_failure_while_watch_brings_back_a_backend_killed_three_times()
    {
        await Examples.RunBuildScriptAsync("ambassador");
        await using var project = await Examples.CopyAsync("ambassador", "watch-amb");
        await project.RunOkAsync("up", "-d");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        const string log = "/tmp/watch-amb.log";
        (await project.ExecAsync("consumer", "sh", "-c", $"sh /loop.sh backend-ambassador:80 3000 {log} >/dev/null 2>&1 &")).ExitCode.Should().Be(0);
        var oks = 0;
        for (var kill = 1; kill <= 3; kill++)
        {
            var target = oks + 5;
            await Eventually.Until(() => ReadLog(project), l => Count(l, "ok") >= target, "requests to go through", Deadline);
            await project.CrashAsync("backend");
            var incident = await watch.NextIncidentAsync(project.ContainerName("backend"));
            incident.GetProperty("outcome").GetString().Should().Be("restarted");
            oks = Count(await ReadLog(project), "ok");
        }
        await Eventually.Until(() => ReadLog(project), l => Count(l, "ok") >= oks + 5, "requests to go through after the last restart", Deadline);

        await project.ExecAsync("consumer", "touch", log + ".stop");
        var done = await Eventually.Until(() => ReadLog(project), l => l.Contains("done"), "the loop to end", Deadline);
        var m = Regex.Match(done, @"done ok=(\d+) fail=(\d+)");
        m.Success.Should().BeTrue(done);
        int.Parse(m.Groups[2].Value).Should().Be(0, "the ambassador turns each restart into a delay");
        int.Parse(m.Groups[1].Value).Should().BeGreaterThan(15);
    }

    private static async Task<string> ReadLog(TestProject project) => (await project.ExecAsync("consumer", "cat", "/tmp/watch-amb.log")).Output;

    private static int Count(string log, string word) => log.Split('\n').Count(l => l.StartsWith(word + " ", StringComparison.Ordinal));
}
