using System.Text.Json;
using Composer.Core.Execution;
using Composer.Core.Graph;
using Composer.Core.Model;
using Composer.Core.Planning;

namespace Composer.Cli.Output;

/// <summary>Prints operation progress as Compose does in plain mode (" Container p-db-1  Started"), or as JSON lines.</summary>
public sealed class ProgressPrinter(TextWriter writer, string mode) : IProgressSink
{
    private readonly Lock _lock = new();

    public void Report(OperationProgress p)
    {
        if (mode == "quiet") return;
        var (kind, name, running, done) = Words(p.Operation);
        var text = p.Status switch
        {
            OperationStatus.Running => running,
            OperationStatus.Done => done,
            OperationStatus.Failed => "Error",
            OperationStatus.Skipped => "Skipped",
            _ => null,
        };
        if (text is null) return;
        lock (_lock)
        {
            if (mode == "json")
            {
                writer.WriteLine(JsonTree.Serialize(new Dictionary<string, object?>
                {
                    ["id"] = $"{kind} {name}", ["status"] = text, ["operation"] = p.Operation.Describe(),
                    ["cause"] = p.Operation.Cause, ["elapsed_ms"] = (long)p.Elapsed.TotalMilliseconds,
                    ["error"] = p.Error is DependencyFailedException ? null : p.Error?.Message,
                }));
                return;
            }
            var line = $" {kind} {name}  {text}";
            if (p.Status == OperationStatus.Done && p.Elapsed > TimeSpan.Zero) line += $" {p.Elapsed.TotalSeconds:0.0}s";
            if (p.Status == OperationStatus.Failed && p.Error is not null) line += $": {p.Error.Message}";
            writer.WriteLine(line);
        }
    }

    internal static (string Kind, string Name, string Running, string Done) Words(Operation op) => op switch
    {
        CreateNetwork o => ("Network", o.Spec.Name, "Creating", "Created"),
        RemoveNetwork o => ("Network", o.Name, "Removing", "Removed"),
        CreateVolume o => ("Volume", o.Spec.Name, "Creating", "Created"),
        RemoveVolume o => ("Volume", o.Name, "Removing", "Removed"),
        PullImage o => ("Image", o.Image, "Pulling", "Pulled"),
        CreateContainer o when o.Cause != "missing" => ("Container", o.Spec.Name, "Recreate", "Recreated"),
        CreateContainer o => ("Container", o.Spec.Name, "Creating", "Created"),
        StartContainer o => ("Container", o.Name, "Starting", "Started"),
        StopContainer o => ("Container", o.Name, "Stopping", "Stopped"),
        RemoveContainer o => ("Container", o.Name, "Removing", "Removed"),
        KillContainer o => ("Container", o.Name, "Killing", "Killed"),
        BuildImage o => ("Image", o.Image, "Building", "Built"),
        RestartContainer o => ("Container", o.Name, "Restarting", "Started"),
        WaitContainer o => ("Container", o.Name, "Waiting", o.Condition switch
        {
            "service_healthy" => "Healthy",
            "service_completed_successfully" => "Exited",
            _ => "Started",
        }),
        _ => ("", op.Id, "Working", "Done"),
    };

    /// <summary>
    /// auto: the live view when stderr is a terminal and ANSI is not refused (--ansi never), plain lines otherwise.
    /// tty with --ansi never is plain too: a live view needs cursor movement.
    /// </summary>
    public static string ResolveMode(string requested, string ansi = "auto") => requested switch
    {
        "auto" => ansi != "never" && StderrIsTerminal() ? "tty" : "plain",
        "tty" => ansi == "never" ? "plain" : "tty",
        _ => requested,
    };

    private static bool StderrIsTerminal() => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    /// <summary>Colour with --ansi always; never with --ansi never; otherwise on a terminal unless NO_COLOR is set.</summary>
    public static bool UseColor(string ansi) => ansi switch
    {
        "always" => true,
        "never" => false,
        _ => StderrIsTerminal() && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
    };

    /// <summary>The sink for a resolved mode; dispose it after the plan ran (the live view draws its last frame).</summary>
    public static IProgressSink Create(string mode, string ansi) =>
        mode == "tty" ? new TtyProgress(Console.Error, UseColor(ansi)) : new ProgressPrinter(Console.Error, mode);
}
