using System.Diagnostics;
using System.Threading.Channels;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Stack;

/// <summary>Node B's engine is killed: <c>composer stack watch</c> reports the node down and its tasks rescheduled.</summary>
[Collection("swarm")]
public class StackWatchTests(SwarmLab lab)
{
    private readonly SwarmLab _lab = lab;

    [Fact]
    public async Task A_killed_node_is_reported_down_and_its_tasks_rescheduled()
    {
        await using var p = await TestProject.CreateAsync("stack-watch", """
            services:
              app:
                image: composer-busybox:1
                command: ["sleep", "3600"]
                init: true
                stop_grace_period: 1s
                deploy:
                  replicas: 3
                  endpoint_mode: dnsrr
                  placement: { preferences: [{ spread: node.labels.host }] }
            """);
        var env = new Dictionary<string, string> { ["DOCKER_HOST"] = SwarmLab.Manager };
        try
        {
            var deploy = await ComposerCli.RunAsync(p.Directory, ["-p", p.Name, "stack", "deploy"], env, TimeSpan.FromMinutes(2));
            deploy.ExitCode.Should().Be(0, deploy.ToString());

            var psi = ComposerBinary.StartInfo(p.Directory, ["-p", p.Name, "stack", "watch"]);
            psi.Environment["DOCKER_HOST"] = SwarmLab.Manager;
            using var watch = Process.Start(psi)!;
            var lines = Channel.CreateUnbounded<string>();
            var seen = new List<string>();
            var baseline = new TaskCompletionSource();
            watch.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (seen) seen.Add(e.Data); lines.Writer.TryWrite(e.Data); } };
            watch.ErrorDataReceived += (_, e) => { if (e.Data?.StartsWith("watching stack", StringComparison.Ordinal) == true) baseline.TrySetResult(); };
            watch.BeginOutputReadLine();
            watch.BeginErrorReadLine();
            try
            {
                await baseline.Task.WaitAsync(TimeSpan.FromSeconds(30)); // watch's first observation is its baseline, not news
                var pid = int.Parse(await File.ReadAllTextAsync("/run/nodeB/docker.pid"));
                Process.GetProcessById(pid).Kill();

                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                string? down = null, moved = null;
                while (down is null || moved is null)
                {
                    string line;
                    try { line = await lines.Reader.ReadAsync(deadline.Token); }
                    catch (OperationCanceledException) { lock (seen) throw new TimeoutException("watch said:\n" + string.Join("\n", seen)); }
                    if (line.Contains("node nodeB down")) down = line;
                    if (line.Contains("rescheduled nodeB →")) moved = line;
                }
                down.Should().Contain("task(s) to reschedule");
                moved.Should().MatchRegex(@"app\.\d rescheduled nodeB → node[AC]");
            }
            finally
            {
                watch.Kill(true);
                await watch.WaitForExitAsync();
            }
        }
        finally
        {
            await SwarmLab.UpAsync(); // node B's engine back (its orphaned containers reaped)
            await ComposerCli.RunAsync(p.Directory, ["-p", p.Name, "stack", "rm"], env, TimeSpan.FromMinutes(2));
        }
    }
}
