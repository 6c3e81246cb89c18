using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reconciler;

/// <summary>
/// A <c>composer</c> process the test watches while it runs (events, a killed up): its lines as they come, a wait for
/// a line with a deadline, and a kill of this process only.
/// </summary>
public sealed class ComposerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _all = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private ComposerProcess(Process process) => _process = process;

    public static ComposerProcess Start(TestProject project, params string[] args)
    {
        var psi = ComposerBinary.StartInfo(project.Directory, new[] { "-p", project.Name }.Concat(args));
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        psi.Environment.Remove("COMPOSE_FILE");
        psi.Environment["NO_COLOR"] = "1";
        var process = Process.Start(psi)!;
        var result = new ComposerProcess(process);
        void OnLine(object? _, DataReceivedEventArgs e)
        {
            if (e.Data is null) return;
            lock (result._all) result._all.AppendLine(e.Data);
            result._lines.Enqueue(e.Data);
            result._arrived.Release();
        }
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return result;
    }

    public int Id => _process.Id;

    public string Output { get { lock (_all) return _all.ToString(); } }

    /// <summary>Waits until a line (stdout or stderr) matches; fails with everything seen when the deadline passes.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(60));
        var seen = new List<string>();
        while (true)
        {
            while (_lines.TryDequeue(out var line))
            {
                seen.Add(line);
                if (match(line)) return line;
            }
            try { await _arrived.WaitAsync(cts.Token); }
            catch (OperationCanceledException) { throw new TimeoutException($"no line with {what}; output so far:\n{Output}"); }
        }
    }

    /// <summary>SIGKILL, as a crash would: no cleanup runs in composer.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async Task<int> WaitForExitAsync(TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? TimeSpan.FromMinutes(3));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
