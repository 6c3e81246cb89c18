using System.Diagnostics;
using System.Text;

namespace Composer.IntegrationTests.Support;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real <c>composer</c> command (built beside the tests) as a user would.</summary>
public static class ComposerCli
{
    /// <summary>
    /// Runs composer to the end. Its stdin is <paramref name="stdin"/>, then end-of-file: never the test runner's own,
    /// which exec and run would otherwise forward.
    /// </summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? env = null, TimeSpan? timeout = null, string stdin = "", bool cleanEnvironment = false)
    {
        var psi = ComposerBinary.StartInfo(workingDirectory, args);
        psi.RedirectStandardInput = true;
        // Only PATH and what the test gives, for a command that must see exactly the variables a test chose.
        if (cleanEnvironment)
        {
            var path = psi.Environment["PATH"];
            psi.Environment.Clear();
            psi.Environment["PATH"] = path;
        }
        // The tests' own environment must not choose the project for them.
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        psi.Environment.Remove("COMPOSE_FILE");
        psi.Environment.Remove("COMPOSE_PROFILES");
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;

        return await RunToEndAsync(psi, stdin, timeout ?? TimeSpan.FromMinutes(3));
    }

    /// <summary>Runs any program to the end with <paramref name="stdin"/> as its input, then end-of-file; killed (and a <see cref="TimeoutException"/>) past the deadline.</summary>
    public static async Task<CliResult> RunToEndAsync(ProcessStartInfo psi, string stdin, TimeSpan timeout)
    {
        psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        using var process = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // It ended without reading its input; its exit code says why.
        }
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish; stdout so far:\n{stdout}\nstderr so far:\n{stderr}");
        }
        process.WaitForExit();
        return new CliResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
