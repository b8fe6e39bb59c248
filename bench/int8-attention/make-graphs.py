# Three attention graphs at the decoder's shape at 320x640 batch 8 (B 8, 4 heads, 801 tokens, head width 32):
# onnxruntime's fused MultiHeadAttention (what the scoring graph uses), the same product in plain fp32 ops, and an
# int8 version (DynamicQuantizeLinear + MatMulInteger for q k^T and for p v, softmax in float). Written to the
# current folder for time-graphs.mjs. Run with Debian's python3-onnx: /usr/bin/python3 make-graphs.py
import onnx
from onnx import helper as h, TensorProto as T
B,H,L,D=8,4,801,32
E=H*D
def mha():
    q=h.make_tensor_value_info('q',T.FLOAT,[B,L,E]); k=h.make_tensor_value_info('k',T.FLOAT,[B,L,E]); v=h.make_tensor_value_info('v',T.FLOAT,[B,L,E])
    o=h.make_tensor_value_info('o',T.FLOAT,[B,L,E])
    n=h.make_node('MultiHeadAttention',['q','k','v'],['o'],domain='com.microsoft',num_heads=H)
    g=h.make_graph([n],'mha',[q,k,v],[o])
    m=h.make_model(g,opset_imports=[h.make_opsetid('',17),h.make_opsetid('com.microsoft',1)]); m.ir_version=8
    onnx.save(m,'mha.onnx')
def int8():
    # inputs already in heads layout [B,H,L,D]
    q=h.make_tensor_value_info('q',T.FLOAT,[B,H,L,D]); kt=h.make_tensor_value_info('kt',T.FLOAT,[B,H,D,L]); v=h.make_tensor_value_info('v',T.FLOAT,[B,H,L,D])
    o=h.make_tensor_value_info('o',T.FLOAT,[B,H,L,D])
    nodes=[]
    for x in ['q','kt','v']:
        nodes.append(h.make_node('DynamicQuantizeLinear',[x],[x+'_q',x+'_s',x+'_z']))
    nodes+= [h.make_node('MatMulInteger',['q_q','kt_q','q_z','kt_z'],['s_i']),
             h.make_node('Cast',['s_i'],['s_f'],to=T.FLOAT),
             h.make_node('Mul',['q_s','kt_s'],['qk_s']),
             h.make_node('Mul',['qk_s','scale'],['qk_s2']),
             h.make_node('Mul',['s_f','qk_s2'],['logits']),
             h.make_node('Softmax',['logits'],['p'],axis=-1),
             h.make_node('Mul',['p','c255'],['p255']),
             h.make_node('Cast',['p255'],['p_q'],to=T.UINT8),
             h.make_node('MatMulInteger',['p_q','v_q','zero8','v_z'],['o_i']),
             h.make_node('Cast',['o_i'],['o_f'],to=T.FLOAT),
             h.make_node('Mul',['v_s','inv255'],['pv_s']),
             h.make_node('Mul',['o_f','pv_s'],['o'])]
    inits=[h.make_tensor('scale',T.FLOAT,[],[D**-0.5]),h.make_tensor('c255',T.FLOAT,[],[255.0]),h.make_tensor('inv255',T.FLOAT,[],[1/255.0]),h.make_tensor('zero8',T.UINT8,[],[0])]
    g=h.make_graph(nodes,'int8attn',[q,kt,v],[o],initializer=inits)
    m=h.make_model(g,opset_imports=[h.make_opsetid('',17)]); m.ir_version=8
    onnx.save(m,'int8.onnx')
def fp32():
    q=h.make_tensor_value_info('q',T.FLOAT,[B,H,L,D]); kt=h.make_tensor_value_info('kt',T.FLOAT,[B,H,D,L]); v=h.make_tensor_value_info('v',T.FLOAT,[B,H,L,D])
    o=h.make_tensor_value_info('o',T.FLOAT,[B,H,L,D])
    nodes=[h.make_node('MatMul',['q','kt'],['s']),h.make_node('Mul',['s','scale'],['l']),h.make_node('Softmax',['l'],['p'],axis=-1),h.make_node('MatMul',['p','v'],['o'])]
    g=h.make_graph(nodes,'fp32attn',[q,kt,v],[o],initializer=[h.make_tensor('scale',T.FLOAT,[],[D**-0.5])])
    m=h.make_model(g,opset_imports=[h.make_opsetid('',17)]); m.ir_version=8
    onnx.save(m,'fp32.onnx')
mha(); int8(); fp32()
