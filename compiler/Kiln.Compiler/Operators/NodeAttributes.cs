using System.Collections.Generic;
using System.Linq;
using System.Text;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Read.Onnx;

namespace Kiln.Compiler.Operators;

/// <summary>Typed access to a node's attributes; a present attribute of the wrong type is a compile error naming the node.</summary>
internal static class NodeAttributes
{
    public static long GetInt(this Node node, ShapeContext context, string name, long defaultValue)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.Int);
        return attribute is null ? defaultValue : attribute.I;
    }

    public static float GetFloat(this Node node, ShapeContext context, string name, float defaultValue)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.Float);
        return attribute is null ? defaultValue : attribute.F;
    }

    public static string GetString(this Node node, ShapeContext context, string name, string defaultValue)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.String);
        return attribute is null ? defaultValue : Encoding.UTF8.GetString(attribute.S.ToByteArray());
    }

    public static long[]? GetInts(this Node node, ShapeContext context, string name)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.Ints);
        return attribute?.Ints.ToArray();
    }

    public static float[]? GetFloats(this Node node, ShapeContext context, string name)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.Floats);
        return attribute?.Floats.ToArray();
    }

    public static string[]? GetStrings(this Node node, ShapeContext context, string name)
    {
        AttributeProto? attribute = Find(node, context, name, AttributeProto.Types.AttributeType.Strings);
        return attribute?.Strings.Select(text => Encoding.UTF8.GetString(text.ToByteArray())).ToArray();
    }

    public static bool Has(this Node node, string name) => node.Attributes.ContainsKey(name);

    private static AttributeProto? Find(Node node, ShapeContext context, string name, AttributeProto.Types.AttributeType expected)
    {
        if (!node.Attributes.TryGetValue(name, out AttributeProto? attribute))
        {
            return null;
        }

        // Old exporters leave the type unset; accept the attribute when the field for the expected type is filled.
        AttributeProto.Types.AttributeType actual = attribute.Type;
        if (actual == AttributeProto.Types.AttributeType.Undefined)
        {
            actual = Guess(attribute);
        }

        if (actual != expected)
        {
            throw context.Error(node, $"attribute '{name}' must be of type {Name(expected)}, but it is {Name(actual)}");
        }

        return attribute;
    }

    private static AttributeProto.Types.AttributeType Guess(AttributeProto attribute)
    {
        if (attribute.Ints.Count > 0)
        {
            return AttributeProto.Types.AttributeType.Ints;
        }

        if (attribute.Floats.Count > 0)
        {
            return AttributeProto.Types.AttributeType.Floats;
        }

        if (attribute.Strings.Count > 0)
        {
            return AttributeProto.Types.AttributeType.Strings;
        }

        if (!attribute.S.IsEmpty)
        {
            return AttributeProto.Types.AttributeType.String;
        }

        if (attribute.T is not null)
        {
            return AttributeProto.Types.AttributeType.Tensor;
        }

        return attribute.F != 0 ? AttributeProto.Types.AttributeType.Float : AttributeProto.Types.AttributeType.Int;
    }

    private static string Name(AttributeProto.Types.AttributeType type) => type.ToString().ToUpperInvariant();

    public static IEnumerable<int> ToInts(this IEnumerable<long> values) => values.Select(v => (int)v);
}
