using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using Kiln.Compiler.Diagnostics;
using Kiln.Compiler.Emit;
using Kiln.Compiler.Graph;
using Kiln.Compiler.Operators;
using Kiln.Compiler.Passes;
using Kiln.Compiler.Plan;
using Kiln.Compiler.Read;

namespace Kiln.Compiler.Generate;

/// <summary>
/// The compiler pipeline for one network: read, order and prune to the target, check operators, infer shapes,
/// remove pass-through nodes, plan the arena, and describe the layers. Failures are <see cref="CompilationError"/>s.
/// </summary>
internal static class NetworkCompiler
{
    /// <summary>Runs the whole pipeline and returns the generated C# source.</summary>
    public static string Compile(NetworkRequest request, CancellationToken cancellationToken)
    {
        NetworkModel model = Build(request, cancellationToken);
        return NetworkEmitter.Emit(model);
    }

    public static NetworkModel Build(NetworkRequest request, CancellationToken cancellationToken)
    {
        OnnxGraph graph = ReadModel(request.ModelPath, cancellationToken);
        CheckModel(graph);

        List<Node> ordered = TopologicalOrder.Sort(graph);
        List<string> targets = ResolveTargets(graph, ordered, request.TargetLayer);
        List<Node> nodes = Pruning.Prune(ordered, targets);

        // Nodes the shape folder may compute at build time get their operator only if they turn out to need code.
        var operators = nodes.Where(node => !ShapeFolding.MayFold(node)).ToDictionary(node => node, node => FindOperator(graph, node));
        var folded = new HashSet<Node>();

        var shapes = new ShapeContext(graph);
        List<GraphInput> inputs = BindInputs(graph, nodes, targets, shapes, request.Dimensions);
        var inputNames = new HashSet<string>(inputs.Select(input => input.Name));
        AddInitializers(graph, nodes, shapes, new ExternalDataFiles(request.ModelPath, request.ResourceName, request.ExternalData));
        foreach (Node node in nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (ShapeFolding.TryFold(node, shapes))
            {
                folded.Add(node);
                continue;
            }

            if (!operators.ContainsKey(node))
            {
                operators[node] = FindOperator(graph, node);
            }

            operators[node].InferShapes(node, shapes);
            foreach (string output in node.Outputs.Where(o => o.Length > 0))
            {
                if (!shapes.Tensors.ContainsKey(output))
                {
                    throw shapes.Error(node, $"Kiln does not compute its output '{output}'");
                }
            }
        }

        // Pass-through nodes emit no code: their outputs name their input's values.
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        string Resolve(string name) => aliases.TryGetValue(name, out string? source) ? source : name;
        List<Node> computed = nodes.Where(n => !folded.Contains(n)).ToList();
        foreach (Node node in computed.Where(n => operators[n].IsAlias(n, shapes)))
        {
            aliases[node.Outputs[0]] = Resolve(node.Inputs[0]);
        }

        var steps = new List<Step>();
        var stepOf = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (Node node in computed.Where(n => !operators[n].IsAlias(n, shapes) && !operators[n].IsConstant))
        {
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                node.Inputs[i] = node.Inputs[i].Length == 0 ? node.Inputs[i] : Resolve(node.Inputs[i]);
            }

            var arenaInputs = node.Inputs.Where(i => i.Length > 0 && !inputNames.Contains(i) && !graph.Initializers.ContainsKey(i)).Distinct().ToList();
            var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
            foreach (string output in outputs)
            {
                stepOf[output] = steps.Count;
            }

            steps.Add(new Step(steps.Count, node, operators[node], arenaInputs, outputs));
        }

        AddConstantTargets(nodes, targets, shapes, Resolve, aliases, stepOf, inputNames, steps);
        MemoryPlan plan = MemoryPlanner.Plan(steps, shapes, MaxArenaBytes(request), graph.FileName);
        List<LayerModel> layers = DescribeLayers(nodes, shapes, inputs, Resolve, stepOf, plan);
        List<WeightModel> weights = NameWeights(graph, steps);
        return new NetworkModel(request, graph, shapes, inputs, steps, layers, plan, weights);
    }

    /// <summary>
    /// Gives each target whose values are known at build time (a Constant, a folded Shape, an initializer) a step that
    /// writes them into the arena, so that such a layer can be returned like any other.
    /// </summary>
    private static void AddConstantTargets(List<Node> nodes, List<string> targets, ShapeContext shapes, Func<string, string> resolve, Dictionary<string, string> aliases, Dictionary<string, int> stepOf, HashSet<string> inputNames, List<Step> steps)
    {
        foreach (string target in targets.Distinct())
        {
            string source = resolve(target);
            if (stepOf.ContainsKey(source) || inputNames.Contains(source))
            {
                continue;
            }

            if (!shapes.Tensors.TryGetValue(source, out TensorInfo? constant) || !nodes.Any(node => node.Outputs.Contains(target)))
            {
                throw new CompilationError(KilnDiagnostics.InvalidModel, shapes.Graph.FileName, $"the output '{target}' is neither a graph input nor the output of a node, but Kiln compiles layers that nodes compute");
            }

            bool floatValues = constant.Initializer?.Type == ElementType.Float;
            if (constant.IntegerValues is null && !floatValues)
            {
                throw new CompilationError(KilnDiagnostics.InvalidModel, shapes.Graph.FileName, $"the target '{target}' is a constant of type {ElementTypes.Name(constant.Type)} that Kiln does not keep at build time; choose a layer computed from it");
            }

            // The written copy gets its own tensor name, because the constant's name stays bound to its values.
            string copy = source + ConstantTargetOperator.CopySuffix;
            shapes.Tensors[copy] = new TensorInfo(copy, constant.Type, constant.Shape) { IntegerValues = constant.IntegerValues };
            var node = new Node(-1, string.Empty, ConstantTargetOperator.Instance.OpType, string.Empty, new List<string> { source }, new List<string> { copy }, new Dictionary<string, Read.Onnx.AttributeProto>());
            aliases[target] = copy;
            stepOf[copy] = steps.Count;
            steps.Add(new Step(steps.Count, node, ConstantTargetOperator.Instance, new List<string>(), new List<string> { copy }));
        }
    }

    /// <summary>The KilnMaxArenaBytes build property as a number of bytes, or the default when the project does not set it.</summary>
    private static long MaxArenaBytes(NetworkRequest request)
    {
        if (request.MaxArenaBytes is null)
        {
            return MemoryPlanner.DefaultMaxBytes;
        }

        bool valid = long.TryParse(request.MaxArenaBytes, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes);
        if (!valid || bytes < 1 || bytes > MemoryPlanner.HardMaxBytes)
        {
            throw new CompilationError(KilnDiagnostics.InvalidBuildProperty, "KilnMaxArenaBytes", request.MaxArenaBytes, $"a whole number of bytes from 1 to {Text(MemoryPlanner.HardMaxBytes)}");
        }

        return bytes;
    }

    private static OnnxGraph ReadModel(string path, CancellationToken cancellationToken)
    {
        string fileName = Path.GetFileName(path);
        try
        {
            return OnnxModelReader.Read(path, cancellationToken);
        }
        catch (OnnxFormatException exception)
        {
            throw new CompilationError(KilnDiagnostics.UnreadableModel, fileName, exception.Message);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException exception)
        {
            throw new CompilationError(KilnDiagnostics.UnreadableModel, fileName, exception.Message);
        }
        catch (IOException exception)
        {
            throw new CompilationError(KilnDiagnostics.UnreadableModel, fileName, exception.Message);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new CompilationError(KilnDiagnostics.UnreadableModel, fileName, exception.Message);
        }
    }

    private static void CheckModel(OnnxGraph graph)
    {
        if (!graph.HasGraph)
        {
            throw new CompilationError(KilnDiagnostics.UnreadableModel, graph.FileName, "the file contains no graph (ModelProto.graph is missing)");
        }

        if (graph.Opset < OperatorRegistry.FirstOpset || graph.Opset > OperatorRegistry.LastOpset)
        {
            throw new CompilationError(KilnDiagnostics.UnsupportedOpset, graph.FileName, Text(graph.Opset), Text(OperatorRegistry.FirstOpset), Text(OperatorRegistry.LastOpset));
        }
    }

    /// <summary>The tensors to compute: the target layer's, or every graph output when no target is given.</summary>
    private static List<string> ResolveTargets(OnnxGraph graph, List<Node> ordered, string? target)
    {
        if (string.IsNullOrEmpty(target))
        {
            var outputs = graph.DeclaredOutputs.Select(o => o.Name).ToList();
            if (outputs.Count == 0)
            {
                throw new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName, "the graph declares no outputs, so name a TargetLayer");
            }

            return outputs;
        }

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ValueInfo input in graph.DeclaredInputs.Where(i => !graph.Initializers.ContainsKey(i.Name)))
        {
            names[input.Name] = input.Name;
        }

        foreach (Node node in ordered)
        {
            var outputs = node.Outputs.Where(o => o.Length > 0).ToList();
            for (int i = 0; i < outputs.Count; i++)
            {
                names[outputs[i]] = outputs[i];
                names[$"{node.DisplayName}/{outputs[i]}"] = outputs[i];
                names[$"{node.DisplayName}/{i}"] = outputs[i];
            }

            if (node.Name.Length > 0 && outputs.Count > 0)
            {
                names[node.Name] = outputs[0];
            }
        }

        if (names.TryGetValue(target!, out string? tensor))
        {
            return new List<string> { tensor };
        }

        IEnumerable<string> layerNames = ordered.Select(n => n.DisplayName);
        throw new CompilationError(KilnDiagnostics.UnknownLayer, graph.FileName, target!, string.Join(", ", NameSuggestions.Closest(target!, layerNames, 3)));
    }

    private static Operator FindOperator(OnnxGraph graph, Node node)
    {
        Operator? op = OperatorRegistry.Find(node.Domain, node.OpType, graph.Opset);
        if (op is null)
        {
            string opType = node.Domain.Length > 0 && node.Domain != "ai.onnx" ? $"{node.Domain}.{node.OpType}" : node.OpType;
            // An operator Kiln compiles at other opsets gets their range, which an exporter's opset option can meet.
            Operator? atOtherOpsets = OperatorRegistry.Find(node.Domain, node.OpType, opset: null);
            string accepted = atOtherOpsets is null
                ? $"Supported operators: {OperatorRegistry.SupportedList}"
                : $"Kiln compiles {opType} at opsets {atOtherOpsets.FirstOpset} to {atOtherOpsets.LastOpset}; export the model at one of them";
            throw new CompilationError(KilnDiagnostics.UnsupportedOperator, node.DisplayName, graph.FileName, opType, Text(graph.Opset), accepted);
        }

        return op;
    }

    /// <summary>
    /// Finds the graph inputs the pruned nodes read and fixes their shapes. Symbolic dimensions take their values from
    /// the Dimensions option. The batch dimension becomes 1, so one observation is one run of the compiled code. It is
    /// the dimension named like the leading dimension of a graph output, or else an input's leading symbolic dimension.
    /// </summary>
    private static List<GraphInput> BindInputs(OnnxGraph graph, List<Node> nodes, List<string> targets, ShapeContext shapes, string? dimensionText)
    {
        Dictionary<string, int> dimensions = DimensionValues.Parse(dimensionText, graph.FileName);
        var symbols = new HashSet<string>(graph.DeclaredInputs.SelectMany(input => input.Symbols).Where(symbol => symbol is not null).Select(symbol => symbol!), StringComparer.Ordinal);
        foreach (string name in dimensions.Keys.Where(name => !symbols.Contains(name)))
        {
            string known = symbols.Count == 0 ? "the graph inputs have no symbolic dimensions" : "the symbolic dimensions of the graph inputs are " + string.Join(", ", symbols.OrderBy(s => s, StringComparer.Ordinal));
            throw DimensionValues.Invalid(dimensionText!, graph.FileName, $"no graph input has a dimension named '{name}' ({known})");
        }

        // A sequence model's input may carry the batch in the middle (S×N×28); the outputs show which dimension it is.
        var batchSymbols = new HashSet<string>(
            graph.DeclaredOutputs.Where(output => output.Symbols.Length > 0 && output.Symbols[0] is not null).Select(output => output.Symbols[0]!),
            StringComparer.Ordinal);

        // A target that depends on no graph input is a constant; the network then takes no inputs.
        var read = new HashSet<string>(nodes.SelectMany(n => n.Inputs).Concat(targets));
        var declared = graph.DeclaredInputs.Where(i => !graph.Initializers.ContainsKey(i.Name) && read.Contains(i.Name)).ToList();
        var inputs = new List<GraphInput>();
        int offset = 0;
        foreach (ValueInfo input in declared)
        {
            int[] shape = BindShape(graph, input, dimensions, batchSymbols);
            shapes.Tensors[input.Name] = new TensorInfo(input.Name, input.Type, shape);
            int length = checked(shape.Aggregate(1, (p, d) => p * d));
            inputs.Add(new GraphInput(input.Name, offset, length, input.Type));
            offset = checked(offset + length);
        }

        return inputs;
    }

    private static int[] BindShape(OnnxGraph graph, ValueInfo input, Dictionary<string, int> dimensions, HashSet<string> batchSymbols)
    {
        if (!ElementTypes.IsNumeric(input.Type))
        {
            throw new CompilationError(KilnDiagnostics.UnsupportedInputs, graph.FileName, $"has the input '{input.Name}' {ShapeContext.DescribeType(input.Type)}");
        }

        if (input.Dims is null)
        {
            throw new CompilationError(KilnDiagnostics.UnsupportedInputs, graph.FileName, $"declares no shape for the input '{input.Name}'");
        }

        var shape = new int[input.Dims.Length];
        bool namesBatch = input.Symbols.Any(symbol => symbol is not null && batchSymbols.Contains(symbol) && !dimensions.ContainsKey(symbol));
        for (int axis = 0; axis < shape.Length; axis++)
        {
            long dim = input.Dims[axis];
            string? symbol = input.Symbols[axis];
            if (dim < 0 && symbol is not null && dimensions.TryGetValue(symbol, out int value))
            {
                dim = value;
            }
            else if (dim < 0 && symbol is not null && batchSymbols.Contains(symbol))
            {
                dim = 1;
            }
            else if (dim < 0 && axis == 0 && shape.Length > 1 && !namesBatch)
            {
                dim = 1;
            }
            else if (dim < 0)
            {
                throw new CompilationError(KilnDiagnostics.SymbolicDimension, input.Name, graph.FileName, input.Symbols[axis] ?? "?", Text(axis));
            }

            if (dim > int.MaxValue)
            {
                throw new CompilationError(KilnDiagnostics.InvalidModel, graph.FileName, $"the input '{input.Name}' has the dimension {dim} at axis {axis}, more than Kiln supports");
            }

            shape[axis] = (int)dim;
        }

        return shape;
    }

    private static void AddInitializers(OnnxGraph graph, List<Node> nodes, ShapeContext shapes, ExternalDataFiles embedded)
    {
        foreach (string name in nodes.SelectMany(n => n.Inputs).Where(graph.Initializers.ContainsKey).Distinct())
        {
            Initializer initializer = graph.Initializers[name];
            InitializerCheck.Validate(graph, initializer, embedded);
            var info = new TensorInfo(name, initializer.Type, initializer.Dims.Select(d => (int)d).ToArray())
            {
                Initializer = initializer,
                IntegerValues = InitializerCheck.IntegerValues(initializer),
            };
            shapes.Tensors[name] = info;
        }
    }

    private static List<LayerModel> DescribeLayers(List<Node> nodes, ShapeContext shapes, List<GraphInput> inputs, Func<string, string> resolve, Dictionary<string, int> stepOf, MemoryPlan plan)
    {
        var layers = new List<LayerModel>();
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        string Unique(string name)
        {
            string identifier = Literals.Identifier(name);
            string candidate = identifier;
            for (int suffix = 2; !identifiers.Add(candidate); suffix++)
            {
                candidate = identifier + "_" + Text(suffix);
            }

            return candidate;
        }

        var inputOffsets = inputs.ToDictionary(input => input.Name, input => input.Offset);
        foreach (GraphInput input in inputs)
        {
            layers.Add(new LayerModel(input.Name, input.Name, "Input", shapes.Tensor(input.Name).Shape, 0, -1, input.Offset, Unique(input.Name), input.Type));
        }

        foreach (Node node in nodes)
        {
            var outputs = node.Outputs.Where(o => o.Length > 0).ToList();

            // A node's parameters are counted with its first layer only, so that the table's total counts them once.
            long parameters = shapes.ParameterCount(node);
            foreach (string output in outputs)
            {
                // An unnamed node's layers are named after their tensors; a named node with several outputs gives "node/output".
                string name = $"{node.Name}/{output}";
                if (node.Name.Length == 0)
                {
                    name = output;
                }
                else if (outputs.Count == 1)
                {
                    name = node.Name;
                }

                string source = resolve(output);
                int step = stepOf.TryGetValue(source, out int s) ? s : -1;
                int offset = plan.Offsets.TryGetValue(source, out int o) ? o : inputOffsets.TryGetValue(source, out int i) ? i : -1;
                if (step < 0 && !inputOffsets.ContainsKey(source))
                {
                    // A pass-through of a constant: there are no computed values to return.
                    continue;
                }

                TensorInfo tensor = shapes.Tensor(output);
                layers.Add(new LayerModel(name, output, node.OpType, tensor.Shape, parameters, step, offset, Unique(name), tensor.Type));
                parameters = 0;
            }
        }

        return layers;
    }

    private static List<WeightModel> NameWeights(OnnxGraph graph, List<Step> steps)
    {
        // Names the generated class and its base already use.
        var taken = new HashSet<string>(StringComparer.Ordinal)
        {
            "Network", "Layers", "Describe", "Forward", "Definition", "Options", "Activations", "Dispose", "ResolveLayer", "_weights", "_externalData",
        };
        var weights = new List<WeightModel>();
        foreach (string name in steps.SelectMany(s => s.Node.Inputs).Where(graph.Initializers.ContainsKey).Distinct())
        {
            Initializer initializer = graph.Initializers[name];
            if (initializer.Type != ElementType.Float)
            {
                continue;
            }

            string identifier = Literals.Identifier(name);
            string candidate = identifier;
            for (int suffix = 2; !taken.Add(candidate); suffix++)
            {
                candidate = identifier + "_" + Text(suffix);
            }

            weights.Add(new WeightModel(initializer, candidate));
        }

        return weights;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
