using System.Diagnostics;
using Composer.IntegrationTests.Support;

namespace Composer.IntegrationTests.Ecosystem;

/// <summary>Runs a program other than composer (dotnet, bash, docker, node) to the end, with a deadline.</summary>
internal static class Processes
{
    public static async Task<CliResult> RunAsync(string file, IEnumerable<string> args, string workingDirectory, IDictionary<string, string?>? env = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("COMPOSE_PROJECT_NAME");
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in env ?? new Dictionary<string, string?>())
        {
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
        }
        return await ComposerCli.RunToEndAsync(psi, "", timeout ?? TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// Puts the composer under test in <paramref name="directory"/> as <c>composer</c>, as an installed one would be
    /// on PATH: the published binary itself, or a wrapper that runs the dll built beside the tests.
    /// </summary>
    public static string ComposerCommandIn(string directory)
    {
        var path = Path.Combine(directory, "composer");
        if (ComposerBinary.Command is [var binary]) File.CreateSymbolicLink(path, binary);
        else
        {
            File.WriteAllText(path, $"#!/bin/sh\nexec {ComposerBinary.ShellCommand} \"$@\"\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return path;
    }

    /// <summary>A fresh temporary directory, removed by the caller.</summary>
    public static string TempDirectory(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), "composer-it", $"{prefix}-{Guid.NewGuid().ToString("n")[..8]}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
