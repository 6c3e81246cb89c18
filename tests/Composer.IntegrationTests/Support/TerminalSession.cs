using System.Diagnostics;
using System.Text;

namespace Composer.IntegrationTests.Support;

/// <summary>
/// The real <c>composer</c> under a pseudo-terminal, as a person at a terminal runs it: <c>script</c> (util-linux) gives
/// it a terminal for stdin and stdout, what the test writes is typed on it, and everything the terminal shows comes
/// back (echoes and carriage returns included).
/// </summary>
public sealed class TerminalSession : IAsyncDisposable
{
    private readonly Process _script;
    private readonly StringBuilder _screen = new();
    private readonly Task _reader;

    private TerminalSession(Process script)
    {
        _script = script;
        _reader = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await script.StandardOutput.ReadAsync(buffer)) > 0)
                lock (_screen) _screen.Append(buffer, 0, n);
        });
    }

    /// <summary>Starts <c>composer args…</c> in <paramref name="workingDirectory"/> on a terminal of the given size.</summary>
    public static TerminalSession Start(string workingDirectory, int rows, int columns, params string[] args)
    {
        var composer = string.Join(' ', ComposerBinary.Command.Concat(args).Select(Quote));
        var psi = new ProcessStartInfo("script")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // -e: script exits with composer's exit code; exec: composer is script's child, its process found through /proc.
        foreach (var a in new[] { "-qec", $"stty rows {rows} cols {columns}; exec {composer}", "/dev/null" }) psi.ArgumentList.Add(a);
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        psi.Environment.Remove("COMPOSE_FILE");
        psi.Environment["NO_COLOR"] = "1";
        return new TerminalSession(Process.Start(psi)!);
    }

    private static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    public string Screen { get { lock (_screen) return _screen.ToString(); } }

    /// <summary>Types <paramref name="text"/> on the terminal.</summary>
    public async Task TypeAsync(string text)
    {
        await _script.StandardInput.WriteAsync(text);
        await _script.StandardInput.FlushAsync();
    }

    /// <summary>Waits until the terminal shows <paramref name="text"/> (after <paramref name="from"/>); returns where it ends.</summary>
    public async Task<int> WaitForAsync(string text, int from = 0, TimeSpan? deadline = null)
    {
        var found = await Eventually.Until(() => Task.FromResult(Screen), s => s.IndexOf(text, Math.Min(from, s.Length), StringComparison.Ordinal) >= 0,
            $"the terminal to show \"{text}\"", deadline);
        return found.IndexOf(text, from, StringComparison.Ordinal) + text.Length;
    }

    /// <summary>Resizes the terminal composer runs on; the kernel tells composer with SIGWINCH, as a terminal window would.</summary>
    public async Task ResizeAsync(int rows, int columns)
    {
        var children = await File.ReadAllTextAsync($"/proc/{_script.Id}/task/{_script.Id}/children");
        var composer = children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Single();
        var tty = new FileInfo($"/proc/{composer}/fd/0").LinkTarget ?? throw new InvalidOperationException("composer has no terminal");
        using var stty = Process.Start(new ProcessStartInfo("stty", ["-F", tty, "rows", $"{rows}", "cols", $"{columns}"]) { UseShellExecute = false })!;
        await stty.WaitForExitAsync();
        stty.ExitCode.Should().Be(0, $"stty resizes {tty}");
    }

    /// <summary>Waits for composer to exit and returns its exit code.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan? deadline = null)
    {
        using var cts = new CancellationTokenSource(deadline ?? Eventually.DefaultDeadline);
        try { await _script.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"composer did not exit; the terminal shows:\n{Screen}"); }
        await _reader;
        return _script.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_script.HasExited) _script.Kill(entireProcessTree: true);
        await _script.WaitForExitAsync();
        _script.Dispose();
    }
}
