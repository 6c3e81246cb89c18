using System.Diagnostics;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Watch;

/// <summary>Restarting the engine disturbs every other test, so this collection runs alone, after the parallel ones.</summary>
[CollectionDefinition("engine restart", DisableParallelization = true)]
public sealed class EngineRestartCollection;

[Collection("engine restart")]
public class EngineRestartTests
{
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Composer.sln"))) return dir.FullName;
        throw new InvalidOperationException("Composer.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.Should().Be(0, $"{file} {string.Join(' ', args)}: {await stderr}");
    }

    [Fact]
    public async Task Watch_survives_an_engine_restart_and_makes_the_project_whole_again_without_duplicates()
    {
        if (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host && !host.StartsWith("unix://", StringComparison.Ordinal))
            throw new InvalidOperationException($"this test restarts the local engine; DOCKER_HOST={host} is not one it can restart");
        await using var project = await TestProject.CreateAsync("watch-engine", """
            services:
              db: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"] }
              app: { image: composer-busybox:1, init: true, command: ["sleep", "2147483647"], links: ["db:database"] }
            """);
        await project.RunOkAsync("up", "-d");
        await using var watch = await BackgroundComposer.WatchAsync(project);

        // Stop the engine the way a crash or an upgrade would, then bring it back with the project's own script.
        await RunAsync("pkill", "-x", "dockerd");
        await Eventually.Until(() => Task.FromResult(Process.GetProcessesByName("dockerd").Length), n => n == 0, "dockerd to exit");
        await RunAsync("bash", Path.Combine(RepositoryRoot(), "scripts", "engine.sh"));

        await watch.NextLineAsync(l => l.Contains("reconnecting"), "watch to notice the lost stream", TimeSpan.FromMinutes(2));
        var containers = await Eventually.Until(project.ContainersAsync,
            cs => cs.Count == 2 && cs.All(c => c.State == "running"), "both containers to run again", TimeSpan.FromMinutes(2));
        containers.Select(c => c.Labels["com.docker.compose.service"]).Should().BeEquivalentTo(["app", "db"], "no duplicates");
    }
}
