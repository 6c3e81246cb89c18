using System.Diagnostics;

namespace Composer.IntegrationTests.Stack;

/// <summary>
/// A 3-node Swarm in network namespaces (scripts/hosts.sh, SWARM=1). Uses one that is already up; otherwise starts
/// it and stops it again at the end, so a test run leaves the machine as it found it.
/// </summary>
public sealed class SwarmLab : IAsyncLifetime
{
    public static readonly string[] Nodes = ["nodeA", "nodeB", "nodeC"];
    public static string Socket(string node) => $"unix:///run/{node}/docker.sock";
    public static string Manager => Socket("nodeA");
    private bool _startedHere;

    public static string Script => Path.Combine(RepoRoot(), "scripts", "hosts.sh");

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Composer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Composer.sln not found above " + AppContext.BaseDirectory);
    }

    public async Task InitializeAsync()
    {
        var ready = await RunAsync("docker", ["-H", Manager, "node", "ls", "--format", "{{.Status}}"], TimeSpan.FromSeconds(10), check: false);
        if (ready.Output.Split('\n').Count(l => l.Trim() == "Ready") >= Nodes.Length) return;
        _startedHere = true;
        await UpAsync();
    }

    /// <summary>Starts what is missing (also a killed node's engine); idempotent.</summary>
    public static Task UpAsync() => RunAsync("bash", [Script, "up"], TimeSpan.FromSeconds(120), env: new() { ["SWARM"] = "1" });

    public async Task DisposeAsync()
    {
        if (_startedHere) await RunAsync("bash", [Script, "down"], TimeSpan.FromSeconds(120), check: false);
    }

    public static Task<(int Exit, string Output)> DockerAsync(string node, params string[] args) =>
        RunAsync("docker", ["-H", Socket(node), .. args], TimeSpan.FromSeconds(60));

    public static async Task<(int Exit, string Output)> RunAsync(string file, string[] args, TimeSpan deadline, bool check = true, Dictionary<string, string>? env = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? []) psi.Environment[k] = v;
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(deadline);
        try { await process.WaitForExitAsync(cts.Token); }
        catch (OperationCanceledException) { process.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {deadline}"); }
        var output = await stdout + await stderr;
        if (check && process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{output}");
        return (process.ExitCode, await stdout);
    }
}

[CollectionDefinition("swarm")]
public sealed class SwarmCollection : ICollectionFixture<SwarmLab>;
