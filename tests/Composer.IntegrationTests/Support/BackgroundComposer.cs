using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;

namespace Composer.IntegrationTests.Support;

/// <summary>A long-running <c>composer</c> (watch, logs -f) whose output lines a test can wait for.</summary>
public sealed class BackgroundComposer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private readonly List<string> _stderr = [];

    private BackgroundComposer(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { _lines.Writer.TryComplete(); return; }
            lock (_all) _all.Add(e.Data);
            _lines.Writer.TryWrite(e.Data);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.Add(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static BackgroundComposer Start(string workingDirectory, params string[] args)
    {
        var psi = ComposerBinary.StartInfo(workingDirectory, args);
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        psi.Environment["NO_COLOR"] = "1";
        return new BackgroundComposer(Process.Start(psi)!);
    }

    public string Stderr { get { lock (_stderr) return string.Join("\n", _stderr); } }

    /// <summary>Starts <c>composer watch --format json</c> on the project and returns once its first resync is done.</summary>
    public static async Task<BackgroundComposer> WatchAsync(TestProject project)
    {
        var watch = Start(project.Directory, "-p", project.Name, "watch", "--format", "json");
        await watch.NextLineAsync(l => l.Contains("container(s) running"), "watch to finish its resync");
        return watch;
    }

    /// <summary>The next stdout line that matches, within the deadline.</summary>
    public async Task<string> NextLineAsync(Func<string, bool> match, string what, TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? Eventually.DefaultDeadline);
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                if (match(line)) return line;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            string all;
            lock (_all) all = string.Join("\n", _all);
            throw new TimeoutException($"no output line for {what}; stdout so far:\n{all}\nstderr:\n{Stderr}");
        }
    }

    /// <summary>The next JSON line with an "incident" for this container.</summary>
    public async Task<JsonElement> NextIncidentAsync(string container, TimeSpan? deadline = null)
    {
        var line = await NextLineAsync(l => l.Contains("\"incident\"") && l.Contains($"\"container\":\"{container}\""), $"an incident of {container}", deadline);
        return JsonDocument.Parse(line).RootElement;
    }

    /// <summary>
    /// Stops it the way Ctrl-C does: Composer handles SIGTERM exactly like SIGINT (one cancellation path), and SIGTERM
    /// does not depend on how the test runner's shell set up SIGINT for background jobs.
    /// </summary>
    public async Task<int> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            string all;
            lock (_all) all = string.Join("\n", _all);
            throw new TimeoutException($"composer did not exit within 60 s of Ctrl-C; stdout:\n{all}\nstderr:\n{Stderr}");
        }
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); await _process.WaitForExitAsync(); }
        _process.Dispose();
    }
}
