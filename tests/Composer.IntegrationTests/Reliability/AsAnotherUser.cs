using System.Diagnostics;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Reliability;

/// <summary>Runs composer as the unprivileged user <c>nobody</c> (setpriv), for what root is never refused.</summary>
internal static class AsAnotherUser
{
    public const int Uid = 65534;

    public static async Task<CliResult> RunAsync(string workingDirectory, IEnumerable<string> args, IDictionary<string, string>? env = null, uint? gid = null)
    {
        var composer = ComposerBinary.StartInfo(workingDirectory, args);
        var psi = new ProcessStartInfo("setpriv")
        {
            WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in (string[])[$"--reuid={Uid}", $"--regid={gid ?? Uid}", "--clear-groups", composer.FileName, .. composer.ArgumentList]) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = "/tmp";
        psi.Environment["DOTNET_CLI_HOME"] = "/tmp";
        psi.Environment["XDG_CACHE_HOME"] = "/tmp/composer-it-nobody-cache";
        psi.Environment["NO_COLOR"] = "1";
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"composer {string.Join(' ', args)} as uid {Uid} did not finish");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
