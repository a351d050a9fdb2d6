/**
 * The subset of the ONNX protobuf schema that an exported chainrule model uses: a model with one
 * graph of Gemm and activation nodes, float tensors as initializers, typed inputs/outputs with a
 * symbolic batch dimension, and string metadata.
 *
 * Message names, field names and field numbers are those of the official ONNX schema
 * (onnx/onnx, `onnx/onnx.proto3`, MIT licensed), so any ONNX reader decodes the file; messages
 * and fields chainrule never writes (sparse tensors, training info, functions, sequence and map
 * types, …) are left out, which protobuf allows because unknown fields are skipped by readers.
 * The schema is parsed by protobufjs, which does the wire encoding.
 */
import { createRequire } from 'node:module';
import type { Root, Type } from 'protobufjs';

// Required on first use, not imported: protobufjs and its long.js (which compiles WebAssembly as it
// loads) cost ~25 ms, and the library entry re-exports ONNX export. ONNX export is Node-only.
const requireHere = createRequire(import.meta.url);

export const ONNX_PROTO_SUBSET = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType {
    UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5;
    FLOATS = 6; INTS = 7; STRINGS = 8; TENSORS = 9; GRAPHS = 10;
  }
  string name = 1;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  string doc_string = 13;
  AttributeType type = 20;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
  string domain = 7;
}

message ModelProto {
  int64 ir_version = 1;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
  repeated StringStringEntryProto metadata_props = 14;
}

message StringStringEntryProto {
  string key = 1;
  string value = 2;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  enum DataType { UNDEFINED = 0; FLOAT = 1; INT64 = 7; DOUBLE = 11; }
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4 [packed = true];
  repeated int64 int64_data = 7 [packed = true];
  string name = 8;
  bytes raw_data = 9;
  string doc_string = 12;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  string denotation = 6;
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`;

let root: Root | undefined;

/** The ONNX message types, parsed once (field names kept in the schema's snake_case). */
export function onnxTypes(): { ModelProto: Type } {
  root ??= (requireHere('protobufjs') as typeof import('protobufjs')).parse(ONNX_PROTO_SUBSET, { keepCase: true }).root;
  return { ModelProto: root.lookupType('onnx.ModelProto') };
}

/** TensorProto.DataType.FLOAT. */
export const ONNX_FLOAT = 1;
/** AttributeProto.AttributeType.INT. */
export const ONNX_ATTRIBUTE_INT = 2;
