using System.Collections;
using System.Text;
using System.Text.Json;

namespace Composer.Core.Model;

/// <summary>
/// Writes a tree of dictionaries, lists and scalars as JSON, exactly as System.Text.Json's reflection serializer
/// would with its defaults, but without reflection, so the command works compiled ahead of time.
/// </summary>
public static class JsonTree
{
    public static string Serialize(object? tree, bool indented = false)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
            Write(writer, tree);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case double d: writer.WriteNumberValue(d); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(entry.Key as string ?? Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture) ?? "");
                    Write(writer, entry.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                // Records and other objects are not part of the trees Composer prints; fail loudly rather than guess.
                throw new NotSupportedException($"JsonTree cannot write a {value.GetType().Name}");
        }
    }
}
