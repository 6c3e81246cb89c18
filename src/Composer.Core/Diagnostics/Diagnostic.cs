namespace Composer.Core.Diagnostics;

public enum Severity { Error, Warning }

/// <summary>A place in a compose file; line and column are 1-based, as editors show them.</summary>
public sealed record SourcePosition(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>One finding about a compose file, with where it is and a stable code tests and tools can match.</summary>
public sealed record Diagnostic(Severity Severity, string Code, string Message, SourcePosition? Position = null)
{
    public static Diagnostic Error(string code, string message, SourcePosition? at = null) => new(Severity.Error, code, message, at);
    public static Diagnostic Warning(string code, string message, SourcePosition? at = null) => new(Severity.Warning, code, message, at);

    public override string ToString()
    {
        var level = Severity == Severity.Error ? "error" : "warning";
        return Position is null ? $"{level}: {Message}" : $"{Position}: {level}: {Message}";
    }
}

/// <summary>Collects every finding of a load so they are reported together rather than one at a time.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _items = [];
    public IReadOnlyList<Diagnostic> Items => _items;
    public bool HasErrors => _items.Any(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Errors => _items.Where(d => d.Severity == Severity.Error);
    public IEnumerable<Diagnostic> Warnings => _items.Where(d => d.Severity == Severity.Warning);

    public void Add(Diagnostic diagnostic)
    {
        // The same finding reached by two paths (an alias used twice, say) is reported once.
        if (!_items.Contains(diagnostic)) _items.Add(diagnostic);
    }

    public void Error(string code, string message, SourcePosition? at = null) => Add(Diagnostic.Error(code, message, at));
    public void Warning(string code, string message, SourcePosition? at = null) => Add(Diagnostic.Warning(code, message, at));
}

/// <summary>The project files are invalid: exit code 2, every diagnostic printed.</summary>
public sealed class ComposeFileException(IReadOnlyList<Diagnostic> diagnostics)
    : Exception(string.Join(Environment.NewLine, diagnostics.Where(d => d.Severity == Severity.Error)))
{
    public IReadOnlyList<Diagnostic> Diagnostics { get; } = diagnostics;
}
